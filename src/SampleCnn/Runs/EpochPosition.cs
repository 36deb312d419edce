namespace SampleCnn.Runs;

/// <summary>How far an epoch got: batches trained, the sum of their losses weighted by segments, segments, training seconds.</summary>
public sealed record EpochPosition(int Batches, double LossSum, long Segments, double Seconds);
