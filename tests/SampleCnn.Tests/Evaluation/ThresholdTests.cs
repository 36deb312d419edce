using SampleCnn.Evaluation;
using SampleCnn.Runs;

namespace SampleCnn.Tests.Evaluation;

/// <summary>
/// F1-maximising thresholds on hand-worked cases (each candidate's counts written out), the tie rules, the
/// all-negative and all-positive tags, a brute-force check, and the decisions' precision, recall and F1.
/// </summary>
public class ThresholdTests
{
    static bool[] Labels(params int[] y) => y.Select(v => v == 1).ToArray();

    [Fact]
    public void TheThresholdMaximisesF1AndSitsHalfwayToTheNextLowerScore()
    {
        // P = 3.  >= 0.9: TP1 FP0 FN2, F1 2/4 = 0.5    >= 0.8: TP2 FP0 FN1, 4/5 = 0.8    >= 0.7: TP2 FP1 FN1, 4/6
        //         >= 0.6: TP3 FP1 FN0, 6/7 = 0.857 (best)    >= 0.5: 6/8    >= 0.4: 6/9.  Threshold (0.6 + 0.5) / 2 = 0.55.
        var t = F1Thresholds.Tune("x", [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f], Labels(1, 1, 0, 1, 0, 0));
        Assert.Equal(new TagThreshold("x", (float)((0.6f + (double)0.5f) / 2), true, 6.0 / 7, 3, 3), t);
        Assert.Equal(0.55f, t.Threshold, 1e-6f);
    }

    [Fact]
    public void EqualF1TakesTheHigherThreshold()
    {
        // P = 2.  >= 0.9: TP1 FP0 FN1, 2/4 = 2/3 (as high as any)    >= 0.8: TP1 FP1 FN1, 2/4    >= 0.7: TP1 FP2 FN1, 2/5
        //         >= 0.6: TP2 FP2 FN0, 4/6 = 2/3 (ties 0.9).  The higher, 0.9, wins: threshold (0.9 + 0.8) / 2 = 0.85.
        var t = F1Thresholds.Tune("x", [0.9f, 0.8f, 0.7f, 0.6f], Labels(1, 0, 0, 1));
        Assert.Equal(2.0 / 3, t.F1, 12);
        Assert.Equal(0.85f, t.Threshold, 1e-6f);
    }

    [Fact]
    public void TiedScoresAreDecidedTogether()
    {
        // Three clips at 0.7 (two positives): they pass or fail together.  >= 0.7: TP2 FP1 FN0, 4/5    >= 0.2: TP2 FP2, 4/6.
        // Threshold (0.7 + 0.2) / 2 = 0.45; the F1 is not 1, which passing only the positive 0.7s would give.
        var t = F1Thresholds.Tune("x", [0.7f, 0.7f, 0.2f, 0.7f], Labels(1, 0, 0, 1));
        Assert.Equal(0.8, t.F1, 12);
        Assert.Equal(0.45f, t.Threshold, 1e-6f);
    }

    [Fact]
    public void ATagWithNoPositiveKeepsTheDefaultMarkedUntuned()
    {
        var t = F1Thresholds.Tune("quiet", [0.9f, 0.1f, 0.4f], Labels(0, 0, 0));
        Assert.Equal(("quiet", TagThresholds.Untuned, false, 0, 3), (t.Tag, t.Threshold, t.Tuned, t.Positives, t.Negatives));
        Assert.True(double.IsNaN(t.F1));
        Assert.False(F1Thresholds.Tune("empty", [], []).Tuned); // an empty split: nothing to tune on
    }

    [Fact]
    public void ATagWithNoNegativePassesEveryClipHalfwayToZero()
    {
        // Every clip positive: only >= 0.1 (the lowest) finds all three, F1 1; nothing lies below, so halfway to 0 is 0.05.
        var t = F1Thresholds.Tune("loud", [0.3f, 0.6f, 0.1f], Labels(1, 1, 1));
        Assert.Equal(("loud", 0.05f, true, 1.0, 3, 0), (t.Tag, t.Threshold, t.Tuned, t.F1, t.Positives, t.Negatives));
        // The lowest score chosen is 0 itself: nothing is lower, the threshold is 0 and every clip passes.
        Assert.Equal(0f, F1Thresholds.Tune("x", [0f, 0.5f], Labels(1, 1)).Threshold);
    }

    [Fact]
    public void NeighbouringFloatsKeepTheWinningScore()
    {
        // No float lies strictly between two neighbours: the midpoint rounds onto one of them, and only the winning
        // score itself decides as it does.
        float high = 0.5f, low = MathF.BitDecrement(0.5f);
        var t = F1Thresholds.Tune("x", [high, low], Labels(1, 0));
        Assert.Equal(high, t.Threshold);
        Assert.Equal(1.0, Confusion.At([high, low], Labels(1, 0), t.Threshold).F1);
    }

    [Fact]
    public void NoOtherThresholdGivesAHigherF1AndTheKeptOneDecidesAsTheWinner()
    {
        var random = new Random(17);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(1, 40);
            var s = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble(), 1)).ToArray(); // many ties
            var y = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0).ToArray();
            var t = F1Thresholds.Tune("x", s, y);
            if (!y.Contains(true)) { Assert.False(t.Tuned); continue; }
            // Every distinct score as a threshold: the best F1, and the highest score reaching it.
            var candidates = s.Distinct().Select(c => (Score: c, F1: Confusion.At(s, y, c).F1)).ToList();
            double best = candidates.Max(c => c.F1);
            float winner = candidates.Where(c => c.F1 == best).Max(c => c.Score);
            Assert.Equal(best, t.F1, 12);
            Assert.Equal(best, Confusion.At(s, y, t.Threshold).F1, 12);
            // Same decisions as the winner on every clip, and not above it.
            Assert.True(t.Threshold <= winner);
            Assert.All(s, v => Assert.Equal(v >= winner, v >= t.Threshold));
        }
    }

    [Fact]
    public void PrecisionRecallAndF1CountTheDecisions()
    {
        // >= 0.5: decided 0.9 (pos), 0.6 (neg), 0.5 (pos); missed 0.2 (pos). TP2 FP1 FN1: P 2/3, R 2/3, F1 4/6.
        var c = Confusion.At([0.9f, 0.6f, 0.5f, 0.2f, 0.1f], Labels(1, 0, 1, 1, 0), 0.5f);
        Assert.Equal(new Confusion(2, 1, 1), c);
        Assert.Equal((2.0 / 3, 2.0 / 3, 4.0 / 6), (c.Precision, c.Recall, c.F1));
        // Nothing decided with positives present: precision undefined, recall 0, F1 0. Nothing at all: all undefined.
        var none = Confusion.At([0.1f, 0.2f], Labels(1, 0), 0.9f);
        Assert.True(double.IsNaN(none.Precision));
        Assert.Equal((0.0, 0.0), (none.Recall, none.F1));
        Assert.True(double.IsNaN(Confusion.At([0.1f], Labels(0), 0.9f).F1));
    }

    [Fact]
    public void MacroF1AveragesTheDefinedTagsAndMicroF1PoolsEveryDecision()
    {
        // Three clips [a, b, c]; c has no positive (out of the macro average, but its false positive counts in the micro).
        float[] scores = [0.9f, 0.2f, 0.7f, 0.4f, 0.8f, 0.1f, 0.6f, 0.3f, 0.2f];
        float[] targets = [1, 0, 0, 0, 1, 0, 1, 1, 0];
        string[] tags = ["a", "b", "c"];
        var metrics = TagMetrics.Compute(tags, scores, targets);
        TagThreshold[] thresholds = [new("a", 0.5f, true, 1, 2, 1), new("b", 0.5f, true, 1, 2, 1), new("c", 0.5f, false, double.NaN, 0, 3)];
        var (decided, macro, micro) = F1Thresholds.Decide(metrics.Tags, scores, targets, thresholds);
        // a: 0.9 pos, 0.4 neg, 0.6 pos: TP2 F1 1.   b: 0.2 neg, 0.8 pos, 0.3 pos: TP1 FN1, F1 2/3.   c: 0.7 decided, no positive: FP1, F1 0.
        Assert.Equal([1.0, 2.0 / 3, 0.0], decided.Select(t => t.F1));
        Assert.Equal([0.5f, 0.5f, 0.5f], decided.Select(t => t.Threshold));
        Assert.Equal([true, true, false], decided.Select(t => t.ThresholdTuned));
        Assert.Equal((1.0 + 2.0 / 3) / 2, macro, 12);
        Assert.Equal(2.0 * 3 / (2 * 3 + 1 + 1), micro, 12); // TP 3, FP 1, FN 1
    }
}
