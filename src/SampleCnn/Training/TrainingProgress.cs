namespace SampleCnn.Training;

/// <summary>Where an epoch stands, reported after every batch and at validation.</summary>
public readonly record struct TrainingProgress(int Epoch, int Stage, double LearningRate, int Batch, int Batches,
    double Loss, double SegmentsPerSecond, bool Validating);
