namespace SampleCnn.Training;

/// <summary>Where an epoch stands, reported after every batch and at validation.</summary>
public readonly record struct TrainingProgress(int Epoch, int Stage, double LearningRate, int Batch, int Batches,
    double Loss, double SegmentsPerSecond, bool Validating);

/// <summary>How a training invocation ended.</summary>
public sealed record TrainingResult(TrainingState State, IReadOnlyList<EpochMetrics> Metrics, string RunFolder);

/// <summary>The loss became NaN or infinite; the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, double loss)
    : Exception($"training diverged: the loss is {loss} at epoch {epoch}, batch {batch}; the last good checkpoint is kept (try a lower --learning-rates)")
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
}
