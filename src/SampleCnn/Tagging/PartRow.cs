namespace SampleCnn.Tagging;

/// <summary>
/// One file's row in a part: its manifest path, whether it was tagged, why not, its segments, each tag's clip score and,
/// when asked for, its embedding (both null when it failed).
/// </summary>
internal sealed record PartRow(string File, string Status, string? Error, int Segments, float[]? Scores, float[]? Embedding = null)
{
    public const string Ok = "ok", Failed = "failed";

    public static PartRow Of(string manifestPath, FileTags result) =>
        new(manifestPath, result.Failed ? Failed : Ok, result.Error, result.Segments, result.Failed ? null : result.ClipScores, result.Embedding);
}
