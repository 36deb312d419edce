namespace SampleCnn.Tagging;

/// <summary>
/// How a layer's features [channels, time] become one vector: over the time steps of a segment, then over a file's
/// segments. Every segment has the same number of time steps, so the two steps together equal the pooling over all
/// the file's time steps at once.
/// </summary>
public enum EmbeddingPool
{
    /// <summary>Each channel's mean.</summary>
    Mean,

    /// <summary>Each channel's maximum.</summary>
    Max,

    /// <summary>The means, then the maxima: twice the channels.</summary>
    MeanMax,
}
