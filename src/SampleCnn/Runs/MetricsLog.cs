using System.Globalization;
using SampleCnn.Models;
using SampleCnn.Platform;

namespace SampleCnn.Runs;

/// <summary>One epoch's line of metrics.csv.</summary>
public sealed record EpochMetrics(int Epoch, int Stage, double LearningRate, double TrainLoss, double ValidLoss,
    double ValidRocAuc, double ValidPrAuc, double Seconds, double SegmentsPerSecond);

/// <summary>metrics.csv: one row per epoch, truncated on resume to the checkpoint's epochs so no epoch appears twice or goes missing.</summary>
public static class MetricsLog
{
    public const string Header = "epoch,stage,lr,train_loss,valid_loss,valid_roc_auc,valid_pr_auc,seconds,segments_per_second";

    /// <summary>Adds a row; the file is replaced whole (<see cref="AtomicFile"/>), so a kill never leaves a torn row.</summary>
    public static void Append(string path, EpochMetrics m) => Write(path, [.. Read(path), m]);

    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path)) return [];
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0 && l.Count(c => c == ',') == 8).Select(Parse).ToList();
    }

    /// <summary>Keeps the header and the rows of epochs up to <paramref name="epoch"/>; drops later or torn rows.</summary>
    public static void TruncateAfter(string path, int epoch) => Write(path, Read(path).Where(m => m.Epoch <= epoch).ToList());

    // Doubles are written in their shortest round-trip form, so rewriting the rows read back keeps them bit for bit.
    static void Write(string path, IEnumerable<EpochMetrics> rows) =>
        AtomicFile.WriteAllText(path, string.Concat(rows.Select(m => string.Join(',', new object[] { m.Epoch, m.Stage, m.LearningRate, m.TrainLoss, m.ValidLoss, m.ValidRocAuc, m.ValidPrAuc, m.Seconds, m.SegmentsPerSecond }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "\n").Prepend(Header + "\n")));

    static EpochMetrics Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new EpochMetrics(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
    }
}
