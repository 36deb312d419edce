namespace SampleCnn.Evaluation;

/// <summary>
/// Average precision, as scikit-learn's average_precision_score for one binary label:
/// sum over distinct score thresholds (high to low) of (recall gain) x (precision at that threshold),
/// tied scores forming one threshold, no interpolation. NaN when there is no positive.
/// </summary>
public static class AveragePrecision
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException("scores and labels differ in length");
        int n = scores.Length, positives = 0;
        foreach (var p in positive) if (p) positives++;
        if (positives == 0) return double.NaN;

        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double ap = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        for (int end = n - 1; end >= 0;) // from the highest score down, one tie group at a time
        {
            int start = end;
            while (start - 1 >= 0 && keys[start - 1] == keys[end]) start--;
            for (int k = start; k <= end; k++) if (positive[order[k]]) truePositives++;
            seen += end - start + 1;
            double recall = truePositives / (double)positives;
            ap += (recall - previousRecall) * (truePositives / (double)seen);
            previousRecall = recall;
            end = start - 1;
        }
        return ap;
    }
}
