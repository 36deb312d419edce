using System.Globalization;

namespace SampleCnn.Training;

/// <summary>One epoch's line of metrics.csv.</summary>
public sealed record EpochMetrics(int Epoch, int Stage, double LearningRate, double TrainLoss, double ValidLoss,
    double ValidRocAuc, double ValidPrAuc, double Seconds, double SegmentsPerSecond);

/// <summary>metrics.csv: one row per epoch, rewritten on resume so no epoch appears twice or goes missing.</summary>
public static class MetricsLog
{
    public const string Header = "epoch,stage,lr,train_loss,valid_loss,valid_roc_auc,valid_pr_auc,seconds,segments_per_second";

    public static void Append(string path, EpochMetrics m)
    {
        if (!File.Exists(path)) File.WriteAllText(path, Header + "\n");
        var line = string.Join(',', new object[] { m.Epoch, m.Stage, m.LearningRate, m.TrainLoss, m.ValidLoss, m.ValidRocAuc, m.ValidPrAuc, m.Seconds, m.SegmentsPerSecond }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        file.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        file.Flush(flushToDisk: true);
    }

    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path)) return [];
        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0 && l.Count(c => c == ',') == 8).Select(Parse).ToList();
    }

    /// <summary>Keeps the header and the rows of epochs up to <paramref name="epoch"/>; drops later or torn rows.</summary>
    public static void TruncateAfter(string path, int epoch)
    {
        var kept = Read(path).Where(m => m.Epoch <= epoch).ToList();
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, Header + "\n");
        foreach (var m in kept) Append(temporary, m);
        File.Move(temporary, path, overwrite: true);
    }

    static EpochMetrics Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new EpochMetrics(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
    }
}
