using SampleCnn.Tagging;

namespace SampleCnn.Experiments;

/// <summary>A held-out clip as the model tagged it, and the tags it was rendered with.</summary>
public sealed record TaggedClip(FileTags Result, IReadOnlyList<string> TrueTags);
