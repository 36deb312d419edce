using SampleCnn.Platform;
namespace SampleCnn.Evaluation;

/// <summary>
/// Percentile bootstrap over clips for the macro ROC-AUC: resample the clips with replacement, recompute
/// the macro average (over the tags defined in that resample), take the 2.5th and 97.5th percentiles.
/// Seeded; each resample draws from its own generator, so the interval does not depend on thread timing.
/// </summary>
public static class Bootstrap
{
    /// <summary>Resamples for the interval unless told otherwise.</summary>
    public const int DefaultResamples = 1000;

    public static (double Low, double High) MacroRocAucInterval(IReadOnlyList<string> tags, float[] scores, float[] targets, int resamples, int seed)
    {
        int t = tags.Count, n = scores.Length / t;
        if (resamples < 1 || n == 0) return (double.NaN, double.NaN);
        var estimates = new double[resamples];
        Parallel.For(0, resamples, r =>
        {
            var random = new Random(Seeds.Derive(seed, r));
            var s = new float[n * t];
            var y = new float[n * t];
            for (int i = 0; i < n; i++)
            {
                int pick = random.Next(n);
                Array.Copy(scores, pick * t, s, i * t, t);
                Array.Copy(targets, pick * t, y, i * t, t);
            }
            estimates[r] = TagMetrics.Compute(tags, s, y).MacroRocAuc;
        });
        var sorted = estimates.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return (double.NaN, double.NaN);
        return (Percentile(sorted, 0.025), Percentile(sorted, 0.975));
    }

    // Linear interpolation between order statistics (numpy's default).
    static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
