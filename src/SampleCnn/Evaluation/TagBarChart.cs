namespace SampleCnn.Evaluation;

/// <summary>A PNG bar chart of per-tag ROC-AUC, best first, with the macro average as a line.</summary>
internal static class TagBarChart
{
    public static void Write(string path, EvaluationReport report)
    {
        var tags = report.SortedTags.Where(t => t.Defined).ToList();
        var plot = new ScottPlot.Plot();
        var bars = plot.Add.Bars(tags.Select(t => t.RocAuc).ToArray());
        bars.Color = ScottPlot.Colors.SteelBlue;
        plot.Add.HorizontalLine(report.MacroRocAuc, 1, ScottPlot.Colors.DarkOrange, ScottPlot.LinePattern.Dashed);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, tags.Count).Select(i => (double)i).ToArray(), tags.Select(t => t.Tag).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.SetLimitsY(Math.Min(0.5, tags.Count > 0 ? tags.Min(t => t.RocAuc) - 0.02 : 0.5), 1.0);
        plot.Axes.SetLimitsX(-0.7, tags.Count - 0.3);
        plot.Title($"{report.Model}, {report.Split} split: per-tag ROC-AUC (macro {report.MacroRocAuc:F4}, dashed)");
        plot.YLabel("ROC-AUC");
        plot.SavePng(path, Math.Max(640, 22 * tags.Count + 120), 480);
    }
}
