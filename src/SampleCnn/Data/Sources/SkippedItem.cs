namespace SampleCnn.Data.Sources;

/// <summary>Something left out, and why (missing audio, no tag of the vocabulary, undecodable file).</summary>
public sealed record SkippedItem(string Item, string Reason);
