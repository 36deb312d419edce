namespace SampleCnn.Evaluation;

/// <summary>
/// Area under the ROC curve, as scikit-learn's roc_auc_score for one binary label: the probability that
/// a random positive scores above a random negative, ties counting one half (the Mann-Whitney statistic
/// with average ranks, equal to the trapezoidal area of the curve with tied scores as one threshold).
/// NaN when the labels hold only one class.
/// </summary>
internal static class RocAuc
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        var ranking = ScoreRanking.Of(scores, positive);
        long positives = ranking.Positives, negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double positiveRankSum = 0;
        for (int start = 0; start < scores.Length;)
        {
            int end = ranking.TieEnd(start);
            double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int k = start; k <= end; k++) if (positive[ranking.Items[k]]) positiveRankSum += averageRank;
            start = end + 1;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
