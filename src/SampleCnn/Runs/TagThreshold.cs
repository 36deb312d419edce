namespace SampleCnn.Runs;

/// <summary>
/// One tag's decision threshold: a clip has the tag when its score is at least <see cref="Threshold"/>.
/// <see cref="Tuned"/> is false when the tuning split held no positive of the tag (then <see cref="Threshold"/> is
/// <see cref="TagThresholds.Untuned"/> and <see cref="F1"/> NaN).
/// </summary>
/// <param name="F1">The F1 the threshold reaches on the split it was tuned on (the maximum there).</param>
public sealed record TagThreshold(string Tag, float Threshold, bool Tuned, double F1, int Positives, int Negatives);
