using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// The paper's comparisons as one command: trains each model with the same recipe and budget on one
/// store (through `train`), evaluates it on the test split (through `evaluate`), and tabulates the
/// results in the paper's form. Each model has its own run folder; a finished one is not retrained,
/// an interrupted one resumes. A model that fails is recorded in the table with the reason and the
/// others still run; the exit code then says that something failed.
/// </summary>
public sealed class ExperimentCommand(IAnsiConsole console) : Command<ExperimentCommand.Settings>
{
    static readonly Dictionary<string, string[]> Presets = new()
    {
        // 3^n at 59049 samples, first filter 3 ... 729 (the paper's first table).
        ["filters"] = ["3^9", "frame:9", "frame:27", "frame:81", "frame:243", "frame:729"],
        // m^n families (the paper's second table).
        ["families"] = ["2^14", "3^9", "4^7", "5^6"],
        // Sample-level inputs from about 1 to 3.5 s.
        ["duration"] = ["3^8", "2^15", "3^9", "5^6"],
    };

    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--store <DIR>")] public string Store { get; init; } = "";
        [CommandOption("--models <LIST>")] [Description("Comma-separated specs, e.g. 3^9,3^7,frame:729,mel:729.")] public string? Models { get; init; }
        [CommandOption("--preset <NAME>")] [Description("filters, families or duration: the paper's tables.")] public string? Preset { get; init; }
        [CommandOption("--budget-minutes <M>")] [Description("Equal wall time: training minutes per model.")] public double? BudgetMinutes { get; init; }
        [CommandOption("--epochs <N>")] [Description("Equal epochs: training epochs per model (instead of minutes).")] public int? Epochs { get; init; }
        [CommandOption("-o|--out <DIR>")] public string Out { get; init; } = "";
        [CommandOption("--seed <N>")] [DefaultValue(1)] public int Seed { get; init; } = 1;
        [CommandOption("--segments <N>")] [Description("Segments per clip for training and evaluation (default, or 0: every whole segment).")] [DefaultValue(0)] public int Segments { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Store) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--store DIR and --out DIR are required")
            : (Models is null) == (Preset is null) ? ValidationResult.Error("give --models LIST or --preset filters|families|duration")
            : Preset is not null && !Presets.ContainsKey(Preset) ? ValidationResult.Error($"--preset '{Preset}': expected filters, families or duration")
            : (BudgetMinutes is null) == (Epochs is null) ? ValidationResult.Error("give --budget-minutes M (equal time) or --epochs N (equal epochs)")
            : ValidationResult.Success();
    }

    /// <param name="Failure">Why the model has no result ("failed: ..."), or null.</param>
    sealed record Row(string Model, int FirstFilter, long InputSamples, double InputMs, long Parameters, double RocAuc, double PrAuc, double TrainingMinutes, int Epochs,
        string? Failure);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var specs = (settings.Preset is { } preset ? Presets[preset] : settings.Models!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(ModelSpec.Parse).ToList();
        var device = settings.Arguments;
        string[] budget = settings.Epochs is { } epochs ? ["--max-epochs", $"{epochs}"] : ["--max-minutes", settings.BudgetMinutes!.Value.ToString(CultureInfo.InvariantCulture)];
        int tags;
        using (var store = SegmentStore.Open(settings.Store)) tags = store.Vocabulary.Count;

        var rows = new List<Row>();
        foreach (var spec in specs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = new RunFolder(Path.Combine(settings.Out, "runs", spec.ToString().Replace('^', '_').Replace(':', '-').Replace('/', '-')));
            var evaluation = run.Evaluation("test", "best").Json;
            console.Write(new Rule($"[bold]{Markup.Escape(spec.ToString())}[/] ({spec.InputSamples} samples, first filter {spec.Filter})").LeftJustified());
            string? failure = null;
            if (File.Exists(evaluation))
                console.MarkupLine("[grey]finished earlier: not retrained[/]");
            else
            {
                try
                {
                    var resume = run.WasStarted ? new[] { "--resume" } : []; // a run killed before its first checkpoint resumes too
                    SampleCnnApp.RunOrThrow(["train", "--store", settings.Store, "--model", spec.ToString(), "--run", run.Path, "--seed", $"{settings.Seed}",
                        "--segments", $"{settings.Segments}", .. budget, .. resume, .. device], console, cancellationToken);
                    SampleCnnApp.RunOrThrow(["evaluate", "--run", run.Path, "--split", "test", "--store", settings.Store, .. device], console, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One model's failure is its row's result; the comparison goes on with the next model.
                    failure = $"failed: {SampleCnnApp.OneLine(e.Message)}";
                    console.MarkupLineInterpolated($"[red]{spec}: {failure}[/]");
                }
            }
            var report = failure is null ? EvaluationReport.Read(evaluation) : null;
            var metrics = run.ReadMetrics();
            using var model = new TaggingCnn(spec, tags);
            rows.Add(new Row(spec.ToString(), spec.Filter, spec.InputSamples, spec.InputMilliseconds, model.parameters().Sum(p => p.numel()),
                report?.MacroRocAuc ?? double.NaN, report?.MacroPrAuc ?? double.NaN, metrics.Sum(m => m.Seconds) / 60, metrics.Count, failure));
        }

        Directory.CreateDirectory(settings.Out);
        var markdown = Markdown(rows, settings);
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "results.md"), markdown);
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "results.csv"), string.Join('\n', ["model,first_filter,input_samples,input_ms,parameters,roc_auc,pr_auc,training_minutes,epochs,status",
            .. rows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Model},{r.FirstFilter},{r.InputSamples},{r.InputMs:F0},{r.Parameters},{(r.Failure is null ? r.RocAuc : "")},{(r.Failure is null ? r.PrAuc : "")},{r.TrainingMinutes:F2},{r.Epochs},{CsvText.Field(r.Failure ?? "ok")}"))]) + "\n");
        Plot(Path.Combine(settings.Out, "roc-auc-vs-first-filter.png"), [.. specs.Zip(rows).Where(p => p.Second.Failure is null)]);
        console.WriteLine(markdown);
        console.MarkupLineInterpolated($"wrote {Path.Combine(settings.Out, "results.md")}, results.csv, roc-auc-vs-first-filter.png and runs/ in {settings.Out}");
        var failed = rows.Where(r => r.Failure is not null).Select(r => r.Model).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException($"{failed.Count} of {rows.Count} models failed: {string.Join(", ", failed)} (reasons in {Path.Combine(settings.Out, "results.md")}); run the same command again to retry them");
        return 0;
    }

    static string Markdown(List<Row> rows, Settings settings)
    {
        var text = new StringBuilder();
        var budget = settings.Epochs is { } e ? $"{e} epochs each" : $"{settings.BudgetMinutes} training minutes each";
        text.AppendLine(CultureInfo.InvariantCulture, $"Store {settings.Store}, {budget}, seed {settings.Seed}, test split, clip = mean of segments.");
        text.AppendLine();
        text.AppendLine("| model | first filter | input samples | input ms | parameters | ROC-AUC | PR-AUC | training min | epochs |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var result = r.Failure is null ? string.Create(CultureInfo.InvariantCulture, $"{r.RocAuc:F4} | {r.PrAuc:F4}") : $"{r.Failure.Replace("|", "\\|")} | -";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Model} | {r.FirstFilter} | {r.InputSamples} | {r.InputMs:F0} | {r.Parameters:N0} | {result} | {r.TrainingMinutes:F1} | {r.Epochs} |");
        }
        return text.ToString();
    }

    // ROC-AUC against first filter size (log scale), one line per family (m), mel models as points at their window.
    static void Plot(string path, List<(ModelSpec First, Row Second)> results)
    {
        var plot = new ScottPlot.Plot();
        var rows = results.Select(p => p.Second).ToList();
        foreach (var family in results.GroupBy(p => p.First.FrontEnd == FrontEndKind.Mel ? "mel" : $"m = {p.First.M}"))
        {
            var points = family.OrderBy(p => p.Second.FirstFilter).ToArray();
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log10(p.Second.FirstFilter)).ToArray(), points.Select(p => p.Second.RocAuc).ToArray());
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
