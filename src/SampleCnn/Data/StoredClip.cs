namespace SampleCnn.Data;

/// <summary>
/// One line of a store's index: a clip's id, split, tag indices, source file, and where its samples lie
/// in the packed sample file (in samples). A source that could not be decoded has <see cref="Skipped"/> set
/// and no samples.
/// </summary>
public sealed record StoredClip(string Id, Split Split, int[] Tags, string Source, long Offset, long Length, string? Skipped = null);
