namespace SampleCnn.Evaluation;

/// <summary>Per-tag metrics and their macro averages over the tags where both are defined.</summary>
internal sealed record TagMetrics(IReadOnlyList<TagScore> Tags, double MacroRocAuc, double MacroAveragePrecision)
{
    /// <summary>Tags left out of the macro averages (no positive or no negative in the set).</summary>
    public IEnumerable<TagScore> Undefined => Tags.Where(t => !t.Defined);

    /// <param name="scores">[items, tags] row-major scores.</param>
    /// <param name="targets">[items, tags] row-major 0/1 targets.</param>
    public static TagMetrics Compute(IReadOnlyList<string> tags, ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        int t = tags.Count;
        var results = new TagScore[t];
        for (int j = 0; j < t; j++)
        {
            var (column, labels) = Column(scores, targets, t, j);
            int positives = labels.Count(p => p);
            results[j] = new TagScore(tags[j], positives, labels.Length - positives, RocAuc.Compute(column, labels), AveragePrecision.Compute(column, labels));
        }
        var defined = results.Where(r => r.Defined).ToList();
        return new TagMetrics(results,
            defined.Count > 0 ? defined.Average(r => r.RocAuc) : double.NaN,
            defined.Count > 0 ? defined.Average(r => r.AveragePrecision) : double.NaN);
    }

    /// <summary>Tag <paramref name="tag"/>'s scores and labels (target above 0.5) out of [items, tags] row-major arrays.</summary>
    public static (float[] Scores, bool[] Positive) Column(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, int tags, int tag)
    {
        int n = scores.Length / tags;
        if (scores.Length != targets.Length || scores.Length != n * tags) throw new ArgumentException("scores and targets must both be [items, tags]");
        var column = new float[n];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            column[i] = scores[i * tags + tag];
            labels[i] = targets[i * tags + tag] > 0.5f;
        }
        return (column, labels);
    }
}
