using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Visualization;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

public sealed class TagCommand(IAnsiConsole console) : Command<TagCommand.Settings>
{
    static readonly string[] AudioExtensions = [".wav", ".wave", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".mp4", ".aac", ".aif", ".aiff"];

    public sealed class Settings : TrainedModelSettings
    {
        [CommandArgument(0, "<INPUTS>")] [Description("Audio files, folders (searched recursively) or patterns such as music/*.mp3.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("-k|--top <K>")] [DefaultValue(5)] public int Top { get; init; } = 5;
        [CommandOption("--threshold <P>")] [Description("Show only tags scoring at least this.")] [DefaultValue(0.0)] public double Threshold { get; init; }
        [CommandOption("--json")] [Description("One JSON record per file with every tag's score, on stdout.")] public bool Json { get; init; }
        [CommandOption("--csv")] [Description("One CSV row per file with every tag's score, on stdout.")] public bool Csv { get; init; }

        [CommandOption("--taggram <OUT>")] [Description("Write per-segment scores: OUT.png and OUT.csv for one file; for several, OUT is a folder.")]
        public string? TaggramOut { get; init; }

        [CommandOption("--segments <N>")] [Description("Segments per file from its start (the paper: 10); 0 = the whole file.")] [DefaultValue(0)]
        public int Segments { get; init; }

        [CommandOption("--tags <FILE>")] [Description("With a TorchScript --model: its tags, one per line in output order.")]
        public string? TagsFile { get; init; }

        [CommandOption("--segment-samples <N>")] [Description("With a TorchScript --model: its input length in samples at 22050 Hz.")]
        public int? SegmentSamples { get; init; }

        [CommandOption("--batch-size <N>")] [DefaultValue(TaggerOptions.DefaultBatchSize)] public int BatchSize { get; init; } = TaggerOptions.DefaultBatchSize;
        [CommandOption("--precision <P>")] [Description("fp32 or bf16.")] [DefaultValue("fp32")] public string Precision { get; init; } = "fp32";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model RUN_OR_CHECKPOINT is required")
            : Inputs.Length == 0 ? ValidationResult.Error("give at least one audio file, folder or pattern")
            : Json && Csv ? ValidationResult.Error("--json and --csv: choose one")
            : Precision is not ("fp32" or "bf16") ? ValidationResult.Error($"--precision '{Precision}': expected fp32 or bf16")
            : Top < 1 ? ValidationResult.Error("--top must be at least 1")
            : Segments < 0 ? ValidationResult.Error("--segments must be 0 (all) or more")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var files = Expand(settings.Inputs);
        var options = new TaggerOptions(settings.Segments == 0 ? null : settings.Segments, settings.BatchSize, settings.Precision == "bf16");
        Tagger tagger;
        string[] tags;
        IDisposable owned;
        if (TorchScriptModel.IsTorchScriptPath(settings.Model))
        {
            if (settings.TagsFile is null || settings.SegmentSamples is not > 0)
                throw new ArgumentException($"{settings.Model}: a TorchScript model needs --tags FILE and --segment-samples N");
            var (network, scriptTags) = TorchScriptModel.Load(settings.Model, settings.TagsFile, device);
            (tagger, tags, owned) = (new Tagger(network, settings.SegmentSamples.Value, scriptTags, device, options), scriptTags, (IDisposable)network);
        }
        else
        {
            var (model, state) = Checkpoint.LoadModel(settings.CheckpointPath, device);
            (tagger, tags, owned) = (new Tagger(model, state.Tags, device, options), state.Tags, model);
        }
        using var _ = owned;
        bool machine = settings.Json || settings.Csv;
        if (settings.Csv) console.Profile.Out.Writer.WriteLine("file,segments,padded,error,recovered," + string.Join(',', tags.Select(CsvText.Field)));

        var failed = new List<FileTags>();
        var recovered = new List<FileTags>();
        void Show(FileTags result)
        {
            if (result.Failed) failed.Add(result);
            if (result.Recovered is not null) recovered.Add(result);
            if (settings.Json) console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                file = result.Path, segments = result.Segments, padded = result.Padded, error = result.Error, recovered = result.Recovered,
                scores = result.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => result.Failed ? (float?)null : result.ClipScores[p.i]),
            }));
            else if (settings.Csv) console.Profile.Out.Writer.WriteLine(string.Join(',', new[] { CsvText.Field(result.Path), $"{result.Segments}", result.Padded ? "1" : "0", CsvText.Field(result.Error ?? ""), CsvText.Field(result.Recovered ?? "") }
                .Concat(result.Failed ? result.Tags.Select(_ => "") : result.ClipScores.Select(s => s.ToString("G6", CultureInfo.InvariantCulture)))));
            else if (!result.Failed) ShowTable(result, settings);
            if (settings.TaggramOut is { } outPath && !result.Failed) WriteTaggram(outPath, result, files.Count);
        }

        if (machine || files.Count == 1)
            foreach (var result in tagger.Tag(files, cancellationToken)) Show(result);
        else
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("tagging", maxValue: files.Count);
                    foreach (var result in tagger.Tag(files, cancellationToken))
                    {
                        Show(result);
                        task.Increment(1);
                        task.Description = $"tagging {task.Value}/{files.Count} ({failed.Count} failed)";
                    }
                });

        if (!machine && recovered.Count > 0) // machine records already carry this
        {
            console.MarkupLineInterpolated($"[yellow]{recovered.Count} of {files.Count} file(s) were damaged and tagged from the audio that could be decoded:[/]");
            foreach (var f in recovered) console.MarkupLineInterpolated($"  {f.Path}: {f.Recovered}");
        }
        if (failed.Count == 0) return 0;
        if (!machine) // machine records already carry each file's error
        {
            console.MarkupLineInterpolated($"[yellow]{failed.Count} of {files.Count} file(s) could not be tagged:[/]");
            foreach (var f in failed) console.MarkupLineInterpolated($"  {f.Path}: {f.Error}");
        }
        return SampleCnnApp.Failure;
    }

    void ShowTable(FileTags result, Settings settings)
    {
        var note = (result.Padded ? " (shorter than one segment: padded with silence)" : "") + (result.Recovered is not null ? " (recovered from a damaged file)" : "");
        console.MarkupLineInterpolated($"[bold]{result.Path}[/]: {result.Segments} segment(s) of {result.SegmentSeconds.ToString("F2", CultureInfo.InvariantCulture)} s{note}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("tag").AddColumn(new TableColumn("score").RightAligned());
        foreach (var (tag, score) in result.Top(settings.Top, (float)settings.Threshold))
            table.AddRow(Markup.Escape(tag), score.ToString("F3", CultureInfo.InvariantCulture));
        console.Write(table);
    }

    void WriteTaggram(string outPath, FileTags result, int fileCount)
    {
        string stem;
        if (fileCount == 1) stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, Path.GetFileNameWithoutExtension(outPath));
        else
        {
            Directory.CreateDirectory(outPath);
            stem = Path.Combine(outPath, Path.GetFileNameWithoutExtension(result.Path) + ".taggram");
        }
        Taggram.WritePng(stem + ".png", result);
        Taggram.WriteCsv(stem + ".csv", result);
    }

    /// <summary>Files as given, folders searched recursively for audio (not through symlinked folders), and patterns in the last path part.</summary>
    static List<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(FolderWalk.Files(input).Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())));
            else if (Path.GetFileName(input).IndexOfAny(['*', '?']) >= 0)
            {
                var folder = Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
                var matches = Directory.Exists(folder) ? FolderWalk.Files(folder, Path.GetFileName(input), recursive: false) : [];
                if (matches.Count == 0) throw new FileNotFoundException($"{input}: no file matches");
                files.AddRange(matches);
            }
            else files.Add(input); // a missing file is reported with the others that fail
        }
        if (files.Count == 0) throw new FileNotFoundException($"{string.Join(", ", inputs)}: no audio files found");
        return FolderWalk.Distinct(files).ToList(); // a file named twice (a link, a folder and a pattern) is tagged once
    }

}
