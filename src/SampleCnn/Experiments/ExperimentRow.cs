using SampleCnn.Models;

namespace SampleCnn.Experiments;

/// <summary>One model's line of the comparison.</summary>
/// <param name="RocAuc">Macro ROC-AUC on the test split (NaN when the model failed); likewise <paramref name="PrAuc"/>.</param>
/// <param name="TrainingMinutes">Training and validation time of the run's epochs, all invocations together.</param>
/// <param name="Failure">Why the model has no result ("failed: ..."), or null.</param>
public sealed record ExperimentRow(ModelSpec Spec, long Parameters, double RocAuc, double PrAuc, double TrainingMinutes, int Epochs, string? Failure)
{
    public string Model => Spec.ToString();
    public int FirstFilter => Spec.Filter;
    public long InputSamples => Spec.InputSamples;
    public double InputMs => Spec.InputMilliseconds;
}
