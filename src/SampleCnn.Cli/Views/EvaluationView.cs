using System.Globalization;
using SampleCnn.Evaluation;
using SampleCnn.Runs;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>An evaluation as `evaluate` prints it: what was scored, the macro figures, the per-tag table, the files kept.</summary>
internal static class EvaluationView
{
    public static void Render(IAnsiConsole console, EvaluationReport report, EvaluationFiles files)
    {
        var segments = report.SegmentsPerClip == 0 ? "all" : report.SegmentsPerClip.ToString(CultureInfo.InvariantCulture);
        var spacing = report.Protocol == EvaluationProtocol.Won2020 ? " evenly spaced" : "";
        console.MarkupLineInterpolated($"[bold]{report.Model}[/] (epoch {report.Epoch}) on the {report.Split} split of {report.Store}: {report.Clips} clips, protocol {ProtocolName(report.Protocol)}: {segments}{spacing} segments each, clip = {report.Aggregation} of segments");
        if (report.TagsMatchedBySpelling.Count > 0)
            console.MarkupLineInterpolated($"model's tags matched to the store's by spelling: {string.Join(", ", report.TagsMatchedBySpelling.Select(m => $"{m.Model} = {m.Store}"))}");
        console.MarkupLineInterpolated($"macro ROC-AUC {F(report.MacroRocAuc)} (95% bootstrap interval {F(report.RocAucLow95)}-{F(report.RocAucHigh95)}, {report.BootstrapResamples} resamples), macro PR-AUC {F(report.MacroPrAuc)}");
        console.MarkupLineInterpolated($"segment-level: macro ROC-AUC {F(report.SegmentMacroRocAuc)}, PR-AUC {F(report.SegmentMacroPrAuc)} (clip aggregation adds {(report.MacroRocAuc - report.SegmentMacroRocAuc).ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)} ROC-AUC); loss {F(report.Loss)}");
        if (report.ThresholdsSplit is { } tunedOn)
            console.MarkupLineInterpolated($"at thresholds tuned on the {tunedOn} split (each tag's maximum F1 there; a tag when score >= threshold): precision P, recall R, F1; macro F1 {F(report.MacroF1)}, micro F1 {F(report.MicroF1)}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("tag").AddColumn(new TableColumn("positives").RightAligned())
            .AddColumn(new TableColumn("ROC-AUC").RightAligned()).AddColumn(new TableColumn("PR-AUC").RightAligned())
            .AddColumn(new TableColumn("threshold").RightAligned()).AddColumn(new TableColumn("P").RightAligned())
            .AddColumn(new TableColumn("R").RightAligned()).AddColumn(new TableColumn("F1").RightAligned());
        foreach (var tag in report.SortedTags)
            table.AddRow(Markup.Escape(tag.Tag), $"{tag.Positives}", F(tag.RocAuc), F(tag.AveragePrecision),
                tag.ThresholdTuned ? F(tag.Threshold) : $"{F(tag.Threshold)}*", F(tag.Precision), F(tag.Recall), F(tag.F1));
        console.Write(table);
        if (report.UndefinedTags.Count > 0)
            console.MarkupLineInterpolated($"[yellow]not in the macro averages (no positive or no negative in this split): {string.Join(", ", report.UndefinedTags)}[/]");
        var untuned = report.Tags.Where(t => !t.ThresholdTuned).Select(t => t.Tag).ToList();
        if (report.ThresholdsSplit is { } split && untuned.Count > 0)
            console.MarkupLineInterpolated($"[yellow]* untuned (no positive in the {split} split): {string.Join(", ", untuned)}[/]");
        console.MarkupLineInterpolated($"wrote {files.Json}, {files.Csv}, {files.Png}{(report.Thresholds is null ? "" : $", {files.Thresholds}")}");
    }

    /// <summary>A protocol as the command line names it.</summary>
    public static string ProtocolName(EvaluationProtocol protocol) => protocol.ToString().ToLowerInvariant();

    /// <summary>The printed form of a metric; the JSON holds the same value unrounded.</summary>
    public static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F4", CultureInfo.InvariantCulture);
}
