using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Tagging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class TagCommand(IAnsiConsole console) : Command<TagCommand.Settings>
{
    public sealed class Settings : TaggerSettings
    {
        [CommandOption("--parts <DIR>")]
        [Description("With --manifest: write the shard's scores as Parquet parts part-I-of-N.NNNNN.parquet in DIR, each written whole; a rerun skips the files they hold. Combine them with merge.")]
        public string? Parts { get; init; }

        [CommandOption("--embedding")] [Description("With --parts: each row also holds the file's embedding (the 512-wide vector the dense layer reads, mean over segments; as embed's default), from the same pass.")]
        public bool Embedding { get; init; }

        [CommandOption("--flush-files <K>")] [Description("With --parts: write a part after K files...")] [DefaultValue(ShardedInputs.DefaultFlushFiles)]
        public int FlushFiles { get; init; } = ShardedInputs.DefaultFlushFiles;

        [CommandOption("--flush-seconds <S>")] [Description("... or after S seconds, whichever comes first.")] [DefaultValue(ShardedInputs.DefaultFlushSeconds)]
        public double FlushSeconds { get; init; } = ShardedInputs.DefaultFlushSeconds;

        [CommandOption("-k|--top <K>")] [DefaultValue(5)] public int Top { get; init; } = 5;
        [CommandOption("--threshold <P>")] [Description("Show only tags scoring at least this.")] [DefaultValue(0.0)] public double Threshold { get; init; }
        [CommandOption("--json")] [Description("One JSON record per file with every tag's score (and decision, with --decide), on stdout.")] public bool Json { get; init; }
        [CommandOption("--csv")] [Description("One CSV row per file with every tag's score (and decision, with --decide), on stdout.")] public bool Csv { get; init; }

        // serve's options too: defined once in TagScoreSettings (this class derives from the file inputs tag shares with embed)
        [CommandOption(TagScoreSettings.DecideOption)] [Description(TagScoreSettings.DecideHelp + " The table lists every tag that passes.")]
        public string? Decide { get; init; }

        [CommandOption(TagScoreSettings.ThresholdsOption)] [Description(TagScoreSettings.ThresholdsHelp)] public string? ThresholdsFile { get; init; }

        [CommandOption(TagScoreSettings.EngineOption)] [Description(TagScoreSettings.EngineHelp)] [DefaultValue(TagScoreSettings.EngineDefault)]
        public string Engine { get; init; } = TagScoreSettings.EngineDefault;

        [CommandOption("--calibrate <STORE>")] [Description("With --engine onnx --precision int8: the store whose training split sets the 8-bit ranges (its first 256 segments).")]
        public string? Calibrate { get; init; }

        [CommandOption("--taggram <OUT>")] [Description("Write per-segment scores: OUT.png and OUT.csv for one file; for several, OUT is a folder.")]
        public string? TaggramOut { get; init; }

        [CommandOption("--segment-samples <N>")] [Description("With a TorchScript --model: its input length in samples at its --sample-rate.")]
        public int? SegmentSamples { get; init; }

        [CommandOption("--sample-rate <HZ>")] [Description("With a TorchScript --model: the rate it reads audio at (other models carry theirs).")]
        [DefaultValue(ModelSpec.DefaultSampleRate)]
        public int SampleRate { get; init; } = ModelSpec.DefaultSampleRate;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model RUN_OR_CHECKPOINT is required")
            : InputsProblem() is { } inputs ? ValidationResult.Error(inputs)
            : Manifest is null && Parts is not null ? ValidationResult.Error("--parts goes with --manifest FILE")
            : Embedding && Parts is null ? ValidationResult.Error("--embedding goes with --parts DIR")
            : Json && Csv ? ValidationResult.Error("--json and --csv: choose one")
            : Problem() is { } problem ? ValidationResult.Error(problem)
            : Top < 1 ? ValidationResult.Error("--top must be at least 1")
            : (TagScoreSettings.EngineProblem(Engine) ?? TagScoreSettings.DecideProblem(Decide, ThresholdsFile)) is { } scoring ? ValidationResult.Error(scoring)
            : Precision == "int8" && (Engine != "onnx" || Calibrate is null) ? ValidationResult.Error("--precision int8 needs --engine onnx and --calibrate STORE")
            : Calibrate is not null && Precision != "int8" ? ValidationResult.Error("--calibrate goes with --precision int8")
            : Decide is not null && Threshold > 0 ? ValidationResult.Error("--decide and --threshold: choose one (--decide lists every tag that passes)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var decide = TagScoreSettings.DecisionOf(settings.Decide);
        var openOptions = settings.OpenOptions with { SegmentSamples = settings.SegmentSamples, SampleRate = settings.SampleRate, ThresholdsFile = settings.ThresholdsFile };
        var taggerOptions = TagScoreSettings.With(settings.TaggerOptions, settings.Engine, settings.Precision) with { Embedding = settings.Embedding,
            Int8Store = settings.Precision == "int8" ? settings.Calibrate : null };
        using var session = settings.Sharded is { } sharded
            ? TaggingSession.Open(sharded with { Parts = settings.Parts, FlushFiles = settings.FlushFiles, FlushSeconds = settings.FlushSeconds },
                settings.Model, openOptions, taggerOptions, settings.TaggramOut, device, decide)
            : TaggingSession.Open(settings.Inputs, settings.Model, openOptions, taggerOptions, settings.TaggramOut, device, decide);
        var files = session.Files;
        bool machine = settings.Json || settings.Csv;
        bool toParts = session.Shard?.Parts is not null; // the parts hold the scores: the console shows progress, not each file
        var stdout = console.Profile.Out.Writer;
        if (settings.Csv) stdout.WriteLine(FileTagsFormat.CsvHeader(session.Tags, decided: session.Thresholds is not null));
        else if (!machine) // not in the machine formats: stdout stays one record per line
        {
            console.WriteLine(session.Model.Description);
            if (session.Shard is { } shard) TagView.RenderShard(console, shard);
            if (session.Thresholds is { } thresholds) TagView.RenderDecision(console, thresholds, session.Tuned);
        }

        var failed = new List<FileTags>();
        var recovered = new List<FileTags>();
        void Show(FileTags result)
        {
            if (result.Failed) failed.Add(result);
            if (result.Recovered is not null) recovered.Add(result);
            if (settings.Json) stdout.WriteLine(FileTagsFormat.JsonLine(result));
            else if (settings.Csv) stdout.WriteLine(FileTagsFormat.CsvRow(result));
            else if (!result.Failed && !toParts) TagView.Render(console, result, settings.Top, (float)settings.Threshold);
        }

        if (machine || files.Count <= 1)
            foreach (var result in session.Run(cancellationToken)) Show(result);
        else
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("tagging", maxValue: files.Count);
                    foreach (var result in session.Run(cancellationToken))
                    {
                        Show(result);
                        task.Increment(1);
                        task.Description = $"tagging {task.Value}/{files.Count} ({failed.Count} failed)";
                    }
                });

        if (!machine && session.Shard is { } work) TagView.RenderShardDone(console, work, files.Count);
        if (!machine) TagView.RenderProblems(console, files.Count, recovered, failed); // machine records already carry each file's error and recovery
        return failed.Count == 0 ? 0 : SampleCnnApp.Failure;
    }
}
