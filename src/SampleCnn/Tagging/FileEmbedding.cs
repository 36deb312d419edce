namespace SampleCnn.Tagging;

/// <summary>
/// One file's embedding: <see cref="Vector"/>, its segments' vectors pooled (<see cref="EmbeddingOptions.Pool"/>), and,
/// when kept, each segment's own [Segments, Width] row by row, segment s covering <see cref="SegmentStart"/> to
/// <see cref="SegmentEnd"/>. A failed file has <see cref="Error"/> and no vectors; a damaged one says in
/// <see cref="Recovered"/> what was lost.
/// </summary>
public sealed record FileEmbedding(string Path, float[] Vector, float[] SegmentVectors, int Width, int Segments, double SegmentSeconds, double HopSeconds,
    bool Padded, string? Error, string? Recovered)
{
    public bool Failed => Error is not null;

    public double SegmentStart(int segment) => segment * HopSeconds;

    public double SegmentEnd(int segment) => segment * HopSeconds + SegmentSeconds;
}
