namespace SampleCnn.Evaluation;

/// <summary>
/// Average precision, as scikit-learn's average_precision_score for one binary label:
/// sum over distinct score thresholds (high to low) of (recall gain) x (precision at that threshold),
/// tied scores forming one threshold, no interpolation. NaN when there is no positive.
/// </summary>
internal static class AveragePrecision
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        var ranking = ScoreRanking.Of(scores, positive);
        if (ranking.Positives == 0) return double.NaN;
        // Walk the tie groups from the highest score down: reversed, each group's start is its TieEnd.
        var groups = new List<(int Start, int End)>();
        for (int start = 0; start < scores.Length; start = groups[^1].End + 1) groups.Add((start, ranking.TieEnd(start)));
        double ap = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        for (int g = groups.Count - 1; g >= 0; g--)
        {
            var (start, end) = groups[g];
            for (int k = start; k <= end; k++) if (positive[ranking.Items[k]]) truePositives++;
            seen += end - start + 1;
            double recall = truePositives / (double)ranking.Positives;
            ap += (recall - previousRecall) * (truePositives / (double)seen);
            previousRecall = recall;
        }
        return ap;
    }
}
