namespace SampleCnn.Visualization;

/// <summary>The paper's settings for the filter visualisation: a 729-sample noise start, 18 steps of size 1.</summary>
public sealed record AscentOptions(int InputSamples = 729, int Steps = 18, double StepSize = 1, int Seed = 1, AscentBatchNorm BatchNorm = AscentBatchNorm.Input);
