namespace SampleCnn.Evaluation;

/// <summary>ROC-AUC and average precision of one tag over a set of clips (NaN where undefined).</summary>
public sealed record TagScore(string Tag, int Positives, int Negatives, double RocAuc, double AveragePrecision)
{
    /// <summary>A tag enters the macro averages only with at least one positive and one negative.</summary>
    public bool Defined => Positives > 0 && Negatives > 0;
}
