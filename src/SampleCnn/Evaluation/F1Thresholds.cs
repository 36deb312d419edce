using SampleCnn.Runs;

namespace SampleCnn.Evaluation;

/// <summary>
/// Per-tag thresholds that maximise F1 on a set of clips, and the decisions they give on another.
/// A clip has a tag when its score is at least the threshold, so a run of tied scores is decided as one.
/// The candidates are the distinct scores (each one decides it and every score above it positive). Of candidates
/// with equal F1 the highest wins (fewer positive decisions for the same F1). The threshold kept is the midpoint
/// between the winning score and the next lower distinct score (0 when none is lower; the winning score itself
/// when no float lies between them), so it decides the tuning clips exactly as the winning score does, with a
/// margin on both sides for clips it has not seen. A tag with no positive has no F1 to maximise: it keeps
/// <see cref="TagThresholds.Untuned"/>, marked untuned.
/// </summary>
internal static class F1Thresholds
{
    public static TagThreshold Tune(string tag, ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        var ranking = ScoreRanking.Of(scores, positive);
        int n = scores.Length, positives = ranking.Positives;
        if (positives == 0) return new TagThreshold(tag, TagThresholds.Untuned, false, double.NaN, 0, n);
        // Walk the tie groups from the highest score down; ranking is ascending, so groups are found from the start and walked backwards.
        var groups = new List<(int Start, int End)>();
        for (int start = 0; start < n; start = groups[^1].End + 1) groups.Add((start, ranking.TieEnd(start)));
        long tp = 0, fp = 0;
        var best = new Confusion(0, 0, positives); // deciding nothing: F1 0, beaten by the first candidate that finds a positive
        int bestGroup = -1;
        for (int g = groups.Count - 1; g >= 0; g--)
        {
            for (int k = groups[g].Start; k <= groups[g].End; k++)
                if (positive[ranking.Items[k]]) tp++;
                else fp++;
            var here = new Confusion(tp, fp, positives - tp);
            // here.F1 > best.F1, exactly: 2tp/d > 2tp'/d' <=> tp d' > tp' d. Strictly greater keeps the higher threshold on a tie.
            if (here.TruePositives * best.F1Denominator > best.TruePositives * here.F1Denominator) (best, bestGroup) = (here, g);
        }
        float chosen = ranking.Sorted[groups[bestGroup].Start];
        float lower = bestGroup > 0 ? ranking.Sorted[groups[bestGroup - 1].Start] : Math.Min(0f, chosen);
        float midpoint = (float)((chosen + (double)lower) / 2);
        return new TagThreshold(tag, midpoint > lower ? midpoint : chosen, true, best.F1, positives, n - positives);
    }

    /// <param name="scores">[items, tags] row-major scores.</param>
    /// <param name="targets">[items, tags] row-major 0/1 targets.</param>
    public static TagThreshold[] Tune(IReadOnlyList<string> tags, float[] scores, float[] targets)
    {
        var result = new TagThreshold[tags.Count];
        for (int j = 0; j < tags.Count; j++)
        {
            var (column, labels) = TagMetrics.Column(scores, targets, tags.Count, j);
            result[j] = Tune(tags[j], column, labels);
        }
        return result;
    }

    /// <summary>
    /// Each tag's precision, recall and F1 at its threshold on these clips, set on its score; the macro F1 over the tags
    /// in the macro averages (a positive and a negative here), the micro F1 over every decision of every tag.
    /// </summary>
    /// <param name="thresholds">Per tag, in the order of <paramref name="tags"/>.</param>
    public static (IReadOnlyList<TagScore> Tags, double MacroF1, double MicroF1) Decide(IReadOnlyList<TagScore> tags, float[] scores, float[] targets,
        IReadOnlyList<TagThreshold> thresholds)
    {
        var decided = new TagScore[tags.Count];
        var pooled = new Confusion();
        for (int j = 0; j < tags.Count; j++)
        {
            var (column, labels) = TagMetrics.Column(scores, targets, tags.Count, j);
            var counts = Confusion.At(column, labels, thresholds[j].Threshold);
            pooled += counts;
            decided[j] = tags[j] with
            {
                Threshold = thresholds[j].Threshold, ThresholdTuned = thresholds[j].Tuned, Precision = counts.Precision, Recall = counts.Recall, F1 = counts.F1,
            };
        }
        var defined = decided.Where(t => t.Defined).ToList();
        return (decided, defined.Count > 0 ? defined.Average(t => t.F1) : double.NaN, pooled.F1);
    }
}
