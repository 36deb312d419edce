using System.Globalization;
using SampleCnn.Models;

namespace SampleCnn.Experiments;

/// <summary>ROC-AUC against first filter size (log scale), one line per family (m), mel models as points at their window.</summary>
internal static class ExperimentPlot
{
    /// <param name="rows">The models with a result.</param>
    public static void Write(string path, IReadOnlyList<ExperimentRow> rows)
    {
        var plot = new ScottPlot.Plot();
        foreach (var family in rows.GroupBy(r => r.Spec.FrontEnd == FrontEndKind.Mel ? "mel" : $"m = {r.Spec.M}"))
        {
            var points = family.OrderBy(r => r.FirstFilter).ToArray();
            var scatter = plot.Add.Scatter(points.Select(r => Math.Log10(r.FirstFilter)).ToArray(), points.Select(r => r.RocAuc).ToArray());
            scatter.LegendText = family.Key;
            scatter.MarkerSize = 8;
        }
        var ticks = rows.Select(r => r.FirstFilter).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(f => Math.Log10(f)).ToArray(), ticks.Select(f => f.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel("first filter length = stride (samples, log scale)");
        plot.YLabel("test ROC-AUC");
        plot.Title("ROC-AUC against first filter size");
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }
}
