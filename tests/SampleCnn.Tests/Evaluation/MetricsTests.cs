using SampleCnn.Evaluation;

namespace SampleCnn.Tests.Evaluation;

/// <summary>Hand-worked cases, with the values scikit-learn's roc_auc_score and average_precision_score give.</summary>
public class MetricsTests
{
    static bool[] Labels(params int[] y) => y.Select(v => v == 1).ToArray();

    [Fact]
    public void ScikitLearnDocumentationExample()
    {
        // sklearn docs: roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75; average_precision_score = 0.8333...
        float[] s = [0.1f, 0.4f, 0.35f, 0.8f];
        Assert.Equal(0.75, RocAuc.Compute(s, Labels(0, 0, 1, 1)), 12);
        Assert.Equal(5.0 / 6, AveragePrecision.Compute(s, Labels(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void TiesCountHalfAndFormOneThreshold()
    {
        // Positives 0.5 and 0.9, negatives 0.5 and 0.5: pairs won 2, tied 2 -> AUC 3/4.
        // Thresholds 0.9 (P=1, R=1/2) and 0.5 (P=2/4, R=1): AP = 1/2*1 + 1/2*1/2 = 3/4.
        float[] s = [0.5f, 0.5f, 0.5f, 0.9f];
        Assert.Equal(0.75, RocAuc.Compute(s, Labels(0, 1, 0, 1)), 12);
        Assert.Equal(0.75, AveragePrecision.Compute(s, Labels(0, 1, 0, 1)), 12);
    }

    [Fact]
    public void AllEqualScoresGiveChanceAndThePositiveRate()
    {
        float[] s = [0.3f, 0.3f, 0.3f, 0.3f, 0.3f];
        Assert.Equal(0.5, RocAuc.Compute(s, Labels(1, 0, 0, 1, 0)), 12);
        Assert.Equal(0.4, AveragePrecision.Compute(s, Labels(1, 0, 0, 1, 0)), 12);
    }

    [Fact]
    public void ASinglePositive()
    {
        // The positive (0.5) beats 0.2 and 0.1, loses to 0.9: AUC 2/3. Thresholds 0.9 (R=0), 0.5 (P=1/2, R=1): AP 1/2.
        float[] s = [0.2f, 0.9f, 0.5f, 0.1f];
        Assert.Equal(2.0 / 3, RocAuc.Compute(s, Labels(0, 0, 1, 0)), 12);
        Assert.Equal(0.5, AveragePrecision.Compute(s, Labels(0, 0, 1, 0)), 12);
    }

    [Fact]
    public void PerfectAndReversedRankings()
    {
        float[] s = [0.1f, 0.2f, 0.8f, 0.9f];
        Assert.Equal(1.0, RocAuc.Compute(s, Labels(0, 0, 1, 1)), 12);
        Assert.Equal(1.0, AveragePrecision.Compute(s, Labels(0, 0, 1, 1)), 12);
        Assert.Equal(0.0, RocAuc.Compute(s, Labels(1, 1, 0, 0)), 12);
        Assert.Equal((1.0 / 3 + 2.0 / 4) / 2, AveragePrecision.Compute(s, Labels(1, 1, 0, 0)), 12);
    }

    [Fact]
    public void OneClassIsUndefined()
    {
        Assert.True(double.IsNaN(RocAuc.Compute([0.1f, 0.2f], Labels(1, 1))));
        Assert.True(double.IsNaN(RocAuc.Compute([0.1f, 0.2f], Labels(0, 0))));
        Assert.True(double.IsNaN(AveragePrecision.Compute([0.1f, 0.2f], Labels(0, 0))));
        Assert.Equal(1.0, AveragePrecision.Compute([0.1f, 0.2f], Labels(1, 1)), 12);
    }

    [Fact]
    public void PermutingItemsChangesNothing()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(2, 60);
            var s = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble(), 1)).ToArray(); // many ties
            var y = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0).ToArray();
            var permutation = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
            var ps = permutation.Select(i => s[i]).ToArray();
            var py = permutation.Select(i => y[i]).ToArray();
            Assert.Equal(RocAuc.Compute(s, y), RocAuc.Compute(ps, py), 12);
            Assert.Equal(AveragePrecision.Compute(s, y), AveragePrecision.Compute(ps, py), 12);
        }
    }

    [Fact]
    public void AucEqualsTheFractionOfCorrectlyOrderedPairs()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(2, 40);
            var s = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble(), 1)).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => random.Next(2) == 0).ToArray();
            double wins = 0, pairs = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (y[i] && !y[j]) { pairs++; wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0; }
            var auc = RocAuc.Compute(s, y);
            if (pairs == 0) Assert.True(double.IsNaN(auc));
            else Assert.Equal(wins / pairs, auc, 12);
        }
    }

    [Fact]
    public void MacroAveragesSkipTagsWithOneClassAndListThem()
    {
        // Three clips, three tags; tag "c" has no positive.
        float[] scores = [0.9f, 0.1f, 0.5f, 0.2f, 0.8f, 0.5f, 0.6f, 0.3f, 0.5f];
        float[] targets = [1, 0, 0, 0, 1, 0, 1, 0, 0];
        var metrics = TagMetrics.Compute(["a", "b", "c"], scores, targets);
        Assert.Equal("c", metrics.Undefined.Single().Tag);
        Assert.Equal((1.0 + 1.0) / 2, metrics.MacroRocAuc, 12);
        Assert.Equal(2, metrics.Tags[0].Positives);
    }
}
