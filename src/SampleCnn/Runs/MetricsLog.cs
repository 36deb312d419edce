using System.Globalization;
using SampleCnn.Platform;

namespace SampleCnn.Runs;

/// <summary>The format of metrics.csv: one row per epoch; read and written through <see cref="RunFolder"/>.</summary>
internal static class MetricsLog
{
    const string Header = "epoch,stage,lr,train_loss,valid_loss,valid_roc_auc,valid_pr_auc,seconds,segments_per_second";

    /// <summary>The rows; a torn last row (from a writer older than whole-file replacement) is left out.</summary>
    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path)) return [];
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0 && l.Count(c => c == ',') == 8).Select(Parse).ToList();
    }

    // Replaced whole (AtomicFile), so a kill never leaves a torn row. Doubles are written in their shortest
    // round-trip form, so rewriting the rows read back keeps them bit for bit.
    public static void Write(string path, IEnumerable<EpochMetrics> rows) =>
        AtomicFile.WriteAllText(path, string.Concat(rows.Select(m => string.Join(',', new object[] { m.Epoch, m.Stage, m.LearningRate, m.TrainLoss, m.ValidLoss, m.ValidRocAuc, m.ValidPrAuc, m.Seconds, m.SegmentsPerSecond }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n").Prepend(Header + "\n")));

    static EpochMetrics Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new EpochMetrics(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
    }
}
