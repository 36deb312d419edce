using SampleCnn.Runs;

namespace SampleCnn.Training;

/// <summary>How a training invocation ended, with the options it ran with (a resumed run's recorded ones).</summary>
public sealed record TrainingResult(TrainingState State, TrainingOptions Options, IReadOnlyList<EpochMetrics> Metrics, RunFolder Run);
