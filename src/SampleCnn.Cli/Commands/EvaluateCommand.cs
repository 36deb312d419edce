using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Visualization;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--run <DIR>")] [Description("The run folder written by `train`.")]
        public string Run { get; init; } = "";

        [CommandOption("--checkpoint <NAME>")] [Description("best, last, or a checkpoint file.")] [DefaultValue("best")]
        public string Checkpoint { get; init; } = "best";

        [CommandOption("--split <SPLIT>")] [Description("train, valid or test.")] [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--store <DIR>")] [Description("Store to evaluate on (default: the one the run trained on).")]
        public string? Store { get; init; }

        [CommandOption("--aggregate <HOW>")] [Description("Clip score from its segments: mean (the paper) or max.")] [DefaultName(Evaluator.DefaultAggregation)]
        public string Aggregate { get; init; } = DefaultNameAttribute.Of(Evaluator.DefaultAggregation);

        [CommandOption("--segments <N>")] [Description("Segments per clip; 0 = every whole segment (default: the run's).")]
        public int? Segments { get; init; }

        [CommandOption("--hop <SAMPLES>")] [Description("Samples between segment starts (default: the run's, else the segment length).")]
        public int? Hop { get; init; }

        [CommandOption("--bootstrap <N>")] [Description("Resamples for the 95% interval of the macro ROC-AUC.")] [DefaultValue(Evaluation.Bootstrap.DefaultResamples)]
        public int Bootstrap { get; init; } = Evaluation.Bootstrap.DefaultResamples;

        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)]
        public int Seed { get; init; } = Seeds.Default;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--run DIR is required")
            : Splits.Parse(Split) is null ? ValidationResult.Error($"--split '{Split}': expected train, valid or test")
            : Aggregate is not ("mean" or "max") ? ValidationResult.Error($"--aggregate '{Aggregate}': expected mean or max")
            : Bootstrap < 0 ? ValidationResult.Error("--bootstrap must be 0 or more")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var options = new RunEvaluationOptions(settings.Checkpoint, Splits.Parse(settings.Split)!.Value, settings.Store,
            Enum.Parse<ClipAggregation>(settings.Aggregate, ignoreCase: true), settings.Segments, settings.Hop, settings.Bootstrap, settings.Seed);
        var (report, files) = RunEvaluation.Evaluate(new RunFolder(settings.Run), options, device, cancellationToken);

        console.MarkupLineInterpolated($"[bold]{report.Model}[/] (epoch {report.Epoch}) on the {report.Split} split of {report.Store}: {report.Clips} clips, {(report.SegmentsPerClip == 0 ? "all" : report.SegmentsPerClip.ToString(CultureInfo.InvariantCulture))} segments each, clip = {report.Aggregation} of segments");
        console.MarkupLineInterpolated($"macro ROC-AUC {F(report.MacroRocAuc)} (95% bootstrap interval {F(report.RocAucLow95)}-{F(report.RocAucHigh95)}, {report.BootstrapResamples} resamples), macro PR-AUC {F(report.MacroPrAuc)}");
        console.MarkupLineInterpolated($"segment-level: macro ROC-AUC {F(report.SegmentMacroRocAuc)}, PR-AUC {F(report.SegmentMacroPrAuc)} (clip aggregation adds {(report.MacroRocAuc - report.SegmentMacroRocAuc).ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)} ROC-AUC); loss {F(report.Loss)}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("tag").AddColumn(new TableColumn("positives").RightAligned())
            .AddColumn(new TableColumn("ROC-AUC").RightAligned()).AddColumn(new TableColumn("PR-AUC").RightAligned());
        foreach (var tag in report.SortedTags)
            table.AddRow(Markup.Escape(tag.Tag), $"{tag.Positives}", F(tag.RocAuc), F(tag.AveragePrecision));
        console.Write(table);
        if (report.UndefinedTags.Count > 0)
            console.MarkupLineInterpolated($"[yellow]not in the macro averages (no positive or no negative in this split): {string.Join(", ", report.UndefinedTags)}[/]");
        console.MarkupLineInterpolated($"wrote {files.Json}, {files.Csv}, {files.Png}");
        return 0;
    }

    /// <summary>The printed form of a metric; the JSON holds the same value unrounded.</summary>
    public static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F4", CultureInfo.InvariantCulture);
}
