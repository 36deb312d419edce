namespace SampleCnn.Tagging;

/// <summary>
/// The tags of one file: per-segment sigmoid scores [Segments, Tags] (the taggram) and the clip's scores
/// (their mean). <see cref="Error"/> is set, and the scores empty, when the file could not be decoded, even
/// if it failed part way. <see cref="Recovered"/> is set when a damaged file was tagged from the audio that
/// could be decoded: what was lost and how much was kept. <see cref="Thresholds"/> is set when yes/no decisions were
/// asked for: a file has a tag when its clip score is at least the tag's threshold.
/// </summary>
public sealed record FileTags(string Path, IReadOnlyList<string> Tags, float[] ClipScores, float[] SegmentScores, int Segments,
    double SegmentSeconds, double HopSeconds, bool Padded, string? Error, string? Recovered = null)
{
    public bool Failed => Error is not null;

    /// <summary>The seconds of audio the segments cover, from the first's start to the last's end (0 without segments).</summary>
    public double CoveredSeconds => Segments == 0 ? 0 : (Segments - 1) * HopSeconds + SegmentSeconds;

    /// <summary>The mean over the segments of the 512-wide vector the dense layer reads, when asked for (<see cref="TaggerOptions.Embedding"/>); else null.</summary>
    public float[]? Embedding { get; init; }

    /// <summary>Each tag's threshold, in the order of <see cref="Tags"/>, when decisions were asked for; else null.</summary>
    public IReadOnlyList<float>? Thresholds { get; init; }

    /// <summary>Whether the file has tag <paramref name="tag"/>: its clip score is at least the tag's threshold.</summary>
    public bool Has(int tag) => ClipScores[tag] >= (Thresholds ?? throw new InvalidOperationException("no decisions were asked for"))[tag];

    /// <summary>The tags the file has, with their scores and thresholds, best score first.</summary>
    public IEnumerable<(string Tag, float Score, float Threshold)> Decided() =>
        Enumerable.Range(0, ClipScores.Length).Where(Has).Select(i => (Tags[i], ClipScores[i], Thresholds![i]))
            .OrderByDescending(t => t.Item2).ThenBy(t => t.Item1, StringComparer.Ordinal);

    /// <summary>The k best tags with their scores, at or above a threshold.</summary>
    public IEnumerable<(string Tag, float Score)> Top(int k, float threshold = 0) =>
        ClipScores.Select((s, i) => (Tags[i], s)).Where(t => t.s >= threshold).OrderByDescending(t => t.s).ThenBy(t => t.Item1, StringComparer.Ordinal).Take(k);
}
