using SampleCnn.Data.Sources;

namespace SampleCnn.Training;

/// <summary>
/// Where an epoch stands, reported after every batch and at validation; while a frozen body's features of a split
/// are cached (<see cref="Caching"/>), after every clip (<see cref="Batch"/> clips of <see cref="Batches"/>).
/// </summary>
public readonly record struct TrainingProgress(int Epoch, int Stage, double LearningRate, int Batch, int Batches,
    double Loss, double SegmentsPerSecond, bool Validating, Split? Caching = null);
