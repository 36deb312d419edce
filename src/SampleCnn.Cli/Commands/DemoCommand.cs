using System.ComponentModel;
using System.Globalization;
using SampleCnn.Models;
using SampleCnn.Synthesis;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// The whole system on data it makes itself: synthetic tagged music written as WAV files and a tags CSV,
/// then the same verbs a user runs on real data (prepare csv, train, evaluate, tag, visualize).
/// Running it again in the same folder continues where it stopped.
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("-o|--out <DIR>")] [Description("Folder for everything the demo writes.")] [DefaultValue("samplecnn-demo")]
        public string Out { get; init; } = "samplecnn-demo";

        [CommandOption("--minutes <N>")] [Description("Time budget for the whole demo; training gets about 75% of it.")] [DefaultValue(10.0)]
        public double Minutes { get; init; } = 10;

        [CommandOption("--clips <N>")] [Description("Synthetic clips to generate (default: sized for the budget).")]
        public int? Clips { get; init; }

        [CommandOption("--seconds <S>")] [Description("Length of each clip.")] [DefaultValue(4.0)]
        public double Seconds { get; init; } = 4;

        [CommandOption("-m|--model <SPEC>")] [Description("Model to train (default 3^7: 6561-sample segments, small enough for a CPU budget).")] [DefaultValue("3^7")]
        public string Model { get; init; } = "3^7";

        [CommandOption("--seed <N>")] [DefaultValue(1)] public int Seed { get; init; } = 1;

        public override ValidationResult Validate() =>
            Minutes <= 0 ? ValidationResult.Error("--minutes must be positive")
            : Clips is < 20 ? ValidationResult.Error("--clips must be at least 20 (ten of every hundred go to valid and test)")
            : Seconds < 0.5 ? ValidationResult.Error("--seconds must be at least 0.5")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ModelSpec.Parse(settings.Model);
        var clips = settings.Clips ?? (int)Math.Clamp(settings.Minutes * 40, 40, 400);
        var trainMinutes = Math.Max(0.1, settings.Minutes * 0.75);
        string audio = Path.Combine(settings.Out, "audio"), store = Path.Combine(settings.Out, "store"), run = Path.Combine(settings.Out, "run");
        string taggram = Path.Combine(settings.Out, "taggram"), filters = Path.Combine(settings.Out, "filters");
        var device = settings.Arguments;
        void Step(string title) => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
        void Run(params string[] args) => SampleCnnApp.RunOrThrow(args, console, cancellationToken);

        Step($"1/6 generating {clips} synthetic clips of {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s ({SyntheticMusic.AllTags.Length} tags: instruments, drums, fast/slow, loud/quiet, high/low)");
        string annotations = "";
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("rendering", maxValue: clips);
                annotations = SyntheticDataset.Write(audio, clips, settings.Seconds, settings.Seed, new SynchronousProgress<int>(_ => task.Increment(1)), cancellationToken);
            });
        console.MarkupLineInterpolated($"wrote {clips} WAV files and {annotations}");

        Step("2/6 preparing them into a segment store (samplecnn prepare csv)");
        Run("prepare", "csv", "--annotations", annotations, "--audio", audio, "--out", store);

        var spec = ModelSpec.Parse(settings.Model);
        Step($"3/6 training {spec} ({spec.InputSamples} samples = {spec.InputMilliseconds:F0} ms a segment) for about {trainMinutes:F1} minutes (samplecnn train)");
        console.MarkupLineInterpolated($"[grey]sized for the budget: the paper's 3^9 reads 59049-sample segments and needs hours per epoch on a CPU; {spec} trains in seconds per epoch here[/]");
        bool resume = File.Exists(Path.Combine(run, "config.json")); // a run killed before its first checkpoint resumes too
        Run(["train", "--store", store, "--model", settings.Model, "--run", run, "--seed", $"{settings.Seed}",
            "--max-minutes", trainMinutes.ToString(CultureInfo.InvariantCulture), .. resume ? new[] { "--resume" } : [], .. device]);

        Step("4/6 evaluating on the test split (samplecnn evaluate)");
        Run(["evaluate", "--run", run, "--split", "test", .. device]);

        Step("5/6 tagging two held-out clips (samplecnn tag)");
        var heldOut = File.ReadLines(annotations).Skip(1).Select(l => l.Split(',')).Where(f => f[2] == "test").Take(2).Select(f => Path.Combine(audio, f[0])).ToArray();
        Run(["tag", .. heldOut, "--model", run, "--top", "5", "--taggram", taggram, .. device]);
        foreach (var file in heldOut)
        {
            var truth = File.ReadLines(annotations).First(l => l.StartsWith(Path.GetFileName(file) + ",")).Split(',')[1].Replace(";", ", ");
            console.MarkupLineInterpolated($"[grey]{Path.GetFileName(file)} was rendered with: {truth}[/]");
        }

        Step("6/6 drawing what the filters learned (samplecnn visualize)");
        Run(["visualize", "--model", run, "--layers", $"1-{Math.Min(4, spec.Modules + 1)}", "--out", filters, .. device]);

        console.Write(new Rule("[bold]done[/]").LeftJustified());
        console.MarkupLineInterpolated($"audio and tags: {audio}, {annotations}");
        console.MarkupLineInterpolated($"segment store:  {store}");
        console.MarkupLineInterpolated($"trained model:  {run} (config.json, metrics.csv, tensorboard/, best.ckpt, last.ckpt, evaluation-test-best.*)");
        console.MarkupLineInterpolated($"taggrams:       {taggram}");
        console.MarkupLineInterpolated($"filter spectra: {filters}");
        console.WriteLine();
        console.MarkupLine("next, on real data:");
        console.MarkupLine("  samplecnn prepare mtat --root ~/data/magnatagatune --out stores/mtat");
        console.MarkupLine("  samplecnn train --store stores/mtat --model 3^9 --run runs/3-9");
        console.MarkupLine("  samplecnn evaluate --run runs/3-9 --split test");
        console.MarkupLine("  samplecnn tag my-music/ --model runs/3-9");
        return 0;
    }
}
