using System.ComponentModel;
using System.Globalization;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Store;
using SampleCnn.Runs;
using SampleCnn.Training;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

public sealed class TrainCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--store <DIR>")] [Description("Segment store written by `prepare`.")]
        public string Store { get; init; } = "";

        [CommandOption("--run <DIR>")] [Description("Run folder: config, metrics.csv, TensorBoard events, best and last checkpoints.")]
        public string Run { get; init; } = "";

        [CommandOption("-m|--model <SPEC>")] [Description("Model spec (3^9, frame:729, mel:729, se:3^9, ...).")] [DefaultValue("3^9")]
        public string Model { get; init; } = "3^9";

        [CommandOption("--resume")] [Description("Continue the run in --run from its last checkpoint (its config wins, --threads included).")]
        public bool Resume { get; init; }

        [CommandOption("--init-from <FILE>")] [Description("Start from these weights: a checkpoint or a PyTorch state_dict (.pth).")]
        public string? InitFrom { get; init; }

        [CommandOption("--seed <N>")] [DefaultValue(1)] public int Seed { get; init; } = 1;
        [CommandOption("--batch-size <N>")] [DefaultValue(23)] public int BatchSize { get; init; } = 23;
        [CommandOption("--momentum <M>")] [DefaultValue(0.9)] public double Momentum { get; init; } = 0.9;
        [CommandOption("--no-nesterov")] [Description("Plain momentum instead of Nesterov's.")] public bool NoNesterov { get; init; }
        [CommandOption("--weight-decay <W>")] [DefaultValue(1e-7)] public double WeightDecay { get; init; } = 1e-7;
        [CommandOption("--dropout <P>")] [DefaultValue(0.5)] public double Dropout { get; init; } = 0.5;

        [CommandOption("--learning-rates <LIST>")] [Description("Comma-separated stages.")] [DefaultValue("0.01,0.002,0.0004,0.00008,0.000016")]
        public string LearningRates { get; init; } = "0.01,0.002,0.0004,0.00008,0.000016";

        [CommandOption("--patience <N>")] [Description("Epochs without a better validation loss before the next stage.")] [DefaultValue(3)]
        public int Patience { get; init; } = 3;

        [CommandOption("--lr-decay <D>")] [Description("Keras's per-update decay: rate / (1 + D t), t = updates in the stage (the authors' code: 1e-6).")] [DefaultValue(0.0)]
        public double LearningRateDecay { get; init; }

        [CommandOption("--bn-epsilon <E>")] [Description("BatchNorm epsilon.")] [DefaultValue(1e-5)]
        public double BatchNormEpsilon { get; init; } = 1e-5;

        [CommandOption("--bn-momentum <M>")] [Description("BatchNorm momentum, PyTorch's sense (the authors' Keras 0.99 = 0.01).")] [DefaultValue(0.1)]
        public double BatchNormMomentum { get; init; } = 0.1;

        [CommandOption("--segments <N>")] [Description("Segments per clip (default, or 0: every whole segment of the clip, as the authors' code).")]
        public int? Segments { get; init; }

        [CommandOption("--hop <SAMPLES>")] [Description("Samples between segment starts (default: the segment length).")]
        public int? Hop { get; init; }

        [CommandOption("--max-epochs <N>")] public int? MaxEpochs { get; init; }
        [CommandOption("--max-minutes <M>")] public double? MaxMinutes { get; init; }

        [CommandOption("--checkpoint-minutes <M>")] [Description("Also checkpoint within an epoch this often: the most a kill loses.")] [DefaultValue(10.0)]
        public double CheckpointMinutes { get; init; } = 10;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Store) || string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--store DIR and --run DIR are required") : ValidationResult.Success();

        public TrainingOptions Options => new()
        {
            Model = Model, Seed = Seed, BatchSize = BatchSize, Momentum = Momentum, Nesterov = !NoNesterov, WeightDecay = WeightDecay,
            Dropout = Dropout, Patience = Patience, LearningRateDecay = LearningRateDecay, BatchNormEpsilon = BatchNormEpsilon, BatchNormMomentum = BatchNormMomentum, SegmentsPerClip = Segments is 0 ? null : Segments, SegmentHop = Hop,
            MaxEpochs = MaxEpochs, MaxMinutes = MaxMinutes, CheckpointMinutes = CheckpointMinutes,
            LearningRates = LearningRates.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(r => double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--learning-rates: '{r}' is not a number"))
                .ToArray(),
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.Options;
        options.Validate();
        var device = settings.Apply();
        using var store = SegmentStore.Open(settings.Store);
        var run = new RunFolder(settings.Run);
        console.MarkupLineInterpolated($"training {(settings.Resume ? "(resumed) " : "")}on {store.Folder}: {store.Clips.Count} clips, {store.Vocabulary.Count} tags, device {device.type}");
        using var view = new TrainingView(console);
        var result = Trainer.Run(store, run, options, device, settings.Resume, settings.InitFrom, view, cancellationToken);
        view.Show(result);
        console.MarkupLineInterpolated($"wrote {run.Config}, {run.Metrics}, {run.TensorBoard}/, {run.Best}, {run.Last}");
        return 0;
    }
}
