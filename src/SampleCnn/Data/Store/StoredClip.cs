using SampleCnn.Data.Sources;
namespace SampleCnn.Data.Store;

/// <summary>
/// One line of a store's index: a clip's id, split, tag indices, source file, and where its samples lie
/// in the packed sample file (in samples). A source that could not be decoded has <see cref="Skipped"/> set
/// and no samples; one that was damaged but partly decoded has <see cref="Recovered"/> set (what was lost and
/// kept), a field absent from the lines of intact clips.
/// </summary>
public sealed record StoredClip(string Id, Split Split, int[] Tags, string Source, long Offset, long Length, string? Skipped = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Recovered = null);
