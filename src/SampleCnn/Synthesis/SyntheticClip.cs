namespace SampleCnn.Synthesis;

/// <summary>A rendered clip and the tags that follow from what was rendered.</summary>
public sealed record SyntheticClip(float[] Samples, string[] Tags);
