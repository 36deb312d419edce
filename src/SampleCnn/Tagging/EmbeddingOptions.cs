namespace SampleCnn.Tagging;

/// <summary>What `embed` computes and how it writes it.</summary>
/// <param name="Layer">The layer whose features are taken: 1 (the first layer) to the model's layer count (k is module k-1), or null for the 512-wide vector the dense output layer reads.</param>
/// <param name="Pool">How time steps, then segments, are pooled.</param>
/// <param name="PerSegment">One row per segment (its pooled features and its times) instead of one per file.</param>
/// <param name="RowGroupRows">Rows per Parquet row group: the rows held in memory before they are written.</param>
public sealed record EmbeddingOptions(int? Layer = null, EmbeddingPool Pool = EmbeddingPool.Mean, bool PerSegment = false, int RowGroupRows = EmbeddingOptions.DefaultRowGroupRows)
{
    public const int DefaultRowGroupRows = 4096;
}
