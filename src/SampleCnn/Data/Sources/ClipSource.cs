namespace SampleCnn.Data.Sources;

/// <summary>One clip to prepare: its id, split, tag indices and where its audio is.</summary>
public sealed record ClipSource(string Id, Split Split, int[] Tags, string AudioPath);
