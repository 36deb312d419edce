namespace SampleCnn.Evaluation;

/// <summary>Scores in ascending order with the item each belongs to, and the number of positives: what both AUCs walk.</summary>
internal readonly record struct ScoreRanking(float[] Sorted, int[] Items, int Positives)
{
    public static ScoreRanking Of(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException("scores and labels differ in length");
        int positives = 0;
        foreach (var p in positive) if (p) positives++;
        var items = new int[scores.Length];
        for (int i = 0; i < items.Length; i++) items[i] = i;
        var sorted = scores.ToArray();
        Array.Sort(sorted, items);
        return new ScoreRanking(sorted, items, positives);
    }

    /// <summary>The end (inclusive) of the run of scores equal to the one at <paramref name="start"/>.</summary>
    public int TieEnd(int start)
    {
        int end = start;
        while (end + 1 < Sorted.Length && Sorted[end + 1] == Sorted[start]) end++;
        return end;
    }
}
