using SampleCnn.Runs;

namespace SampleCnn.Training;

/// <summary>How a training invocation ended.</summary>
public sealed record TrainingResult(TrainingState State, IReadOnlyList<EpochMetrics> Metrics, string RunFolder);
