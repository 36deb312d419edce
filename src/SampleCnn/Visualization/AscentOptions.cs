using SampleCnn.Platform;

namespace SampleCnn.Visualization;

/// <summary>The paper's settings for the filter visualisation: a 729-sample noise start, 18 steps of size 1.</summary>
public sealed record AscentOptions(int InputSamples = AscentOptions.DefaultInputSamples, int Steps = AscentOptions.DefaultSteps,
    double StepSize = AscentOptions.DefaultStepSize, int Seed = Seeds.Default, AscentBatchNorm BatchNorm = AscentOptions.DefaultBatchNorm)
{
    public const int DefaultInputSamples = 729;
    public const int DefaultSteps = 18;
    public const double DefaultStepSize = 1;
    public const AscentBatchNorm DefaultBatchNorm = AscentBatchNorm.Input;
}
