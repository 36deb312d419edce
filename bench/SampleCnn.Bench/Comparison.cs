using System.Globalization;
using System.Text;

namespace SampleCnn.Bench;

/// <summary>
/// Runs the contenders alternately, round after round, so that machine noise hits all of them alike,
/// and reports the median of each contender's per-round medians, its peak memory, and the ratio to the first.
/// </summary>
static class Comparison
{
    /// <param name="audioSeconds">Seconds of audio one iteration processes; adds an "x real time" column.</param>
    public static string Run(string title, IReadOnlyList<Contender> contenders, int rounds, TextWriter progress, double? audioSeconds = null) =>
        Measure(title, contenders, rounds, progress, audioSeconds).Markdown;

    /// <summary>As <see cref="Run"/>, also giving each contender's median in ms.</summary>
    public static (string Markdown, IReadOnlyDictionary<string, double> Medians) Measure(string title, IReadOnlyList<Contender> contenders, int rounds, TextWriter progress, double? audioSeconds = null)
    {
        var medians = contenders.ToDictionary(c => c.Label, _ => new List<double>());
        var peaks = contenders.ToDictionary(c => c.Label, _ => 0.0);
        var versions = new Dictionary<string, string>();
        var loadBefore = Machine.Load();
        for (int round = 1; round <= rounds; round++)
            foreach (var contender in contenders)
            {
                var run = contender.Execute();
                medians[contender.Label].Add(Median(run.TimesMs));
                peaks[contender.Label] = Math.Max(peaks[contender.Label], run.PeakRssMb);
                versions[contender.Label] = $"{run.Version}, {run.Threads} threads";
                progress.WriteLine($"round {round}/{rounds} {contender.Label}: median {Median(run.TimesMs):F1} ms");
            }

        var ours = Median(medians[contenders[0].Label]);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        text.AppendLine();
        text.AppendLine(audioSeconds is null
            ? "| contender | median ms | ratio to ours | peak RSS MB | runtime |"
            : "| contender | median ms | ratio to ours | x real time | peak RSS MB | runtime |");
        text.AppendLine(audioSeconds is null ? "|---|---:|---:|---:|---|" : "|---|---:|---:|---:|---:|---|");
        foreach (var contender in contenders)
        {
            var median = Median(medians[contender.Label]);
            var realTime = audioSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $" {seconds * 1000 / median:F0} |") : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {contender.Label} | {median:F1} | {median / ours:F2} |{realTime} {Megabytes(peaks[contender.Label])} | {versions[contender.Label]} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Median of {rounds} per-round medians; contenders run alternately in separate processes. {Machine.Cpu()}; load average {loadBefore:F1} before, {Machine.Load():F1} after.");
        return (text.ToString(), medians.ToDictionary(m => m.Key, m => Median(m.Value)));
    }

    static string Megabytes(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F0", CultureInfo.InvariantCulture);

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
