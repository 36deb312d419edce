namespace SampleCnn.Evaluation;

/// <summary>
/// One tag's yes/no decisions against its labels: true positives, false positives, false negatives. Precision is NaN
/// when nothing was decided positive, recall when there is no positive, F1 = 2TP / (2TP + FP + FN) when either exists.
/// </summary>
internal readonly record struct Confusion(long TruePositives, long FalsePositives, long FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : TruePositives / (double)(TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : TruePositives / (double)(TruePositives + FalseNegatives);

    public double F1 => F1Denominator == 0 ? double.NaN : 2.0 * TruePositives / F1Denominator;

    /// <summary>2TP + FP + FN: F1 is 2TP over it, so two F1s compare exactly by cross-multiplying.</summary>
    public long F1Denominator => 2 * TruePositives + FalsePositives + FalseNegatives;

    /// <summary>The decisions score &gt;= <paramref name="threshold"/>.</summary>
    public static Confusion At(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive, float threshold)
    {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool decided = scores[i] >= threshold;
            if (decided && positive[i]) tp++;
            else if (decided) fp++;
            else if (positive[i]) fn++;
        }
        return new Confusion(tp, fp, fn);
    }

    /// <summary>Counts pooled over tags (micro averaging).</summary>
    public static Confusion operator +(Confusion a, Confusion b) =>
        new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.FalseNegatives + b.FalseNegatives);
}
