namespace SampleCnn.Runs;

/// <summary>One epoch's line of metrics.csv.</summary>
public sealed record EpochMetrics(int Epoch, int Stage, double LearningRate, double TrainLoss, double ValidLoss,
    double ValidRocAuc, double ValidPrAuc, double Seconds, double SegmentsPerSecond);
