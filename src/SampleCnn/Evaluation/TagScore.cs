namespace SampleCnn.Evaluation;

/// <summary>
/// ROC-AUC and average precision of one tag over a set of clips (NaN where undefined), and the tag's yes/no decisions
/// at its threshold (a clip has the tag when its score is at least <see cref="Threshold"/>): precision, recall and F1
/// (NaN in a report written before thresholds were tuned; see <see cref="Confusion"/> for when each is undefined).
/// </summary>
public sealed record TagScore(string Tag, int Positives, int Negatives, double RocAuc, double AveragePrecision)
{
    /// <summary>A tag enters the macro averages only with at least one positive and one negative.</summary>
    public bool Defined => Positives > 0 && Negatives > 0;

    public float Threshold { get; init; } = float.NaN;

    /// <summary>False when the tuning split held no positive of the tag, so it kept the default threshold.</summary>
    public bool ThresholdTuned { get; init; }

    public double Precision { get; init; } = double.NaN;

    public double Recall { get; init; } = double.NaN;

    public double F1 { get; init; } = double.NaN;
}
