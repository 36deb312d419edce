using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Store;
using SampleCnn.Runs;
using SampleCnn.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class TrainCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--store <DIR>")] [Description("Segment store written by `prepare`.")]
        public string Store { get; init; } = "";

        [CommandOption("--run <DIR>")] [Description("Run folder: config, metrics.csv, TensorBoard events, best and last checkpoints.")]
        public string Run { get; init; } = "";

        [CommandOption("-m|--model <SPEC>")] [Description("Model spec (3^9, frame:729, mel:729, se:3^9, ...); @R for a sample rate other than 22050 Hz (3^9@16000), which must be the store's.")] [DefaultValue(TrainingOptions.DefaultModel)]
        public string Model { get; init; } = TrainingOptions.DefaultModel;

        [CommandOption("--resume")] [Description("Continue the run in --run from its last checkpoint (its config wins, --threads included).")]
        public bool Resume { get; init; }

        [CommandOption("--init-from <FILE>")] [Description("Start from these weights: a checkpoint or a PyTorch state_dict (.pth).")]
        public string? InitFrom { get; init; }

        [CommandOption("--tags <LIST>")] [Description("Train on these of the store's tags only (comma-separated); evaluate then scores exactly these.")]
        public string? Tags { get; init; }

        [CommandOption("--freeze <PART>")] [Description("body: keep the --init-from model's body (BatchNorm in eval mode) and train a new head on its features, cached in the run folder.")]
        [DefaultName(FrozenLayers.None)]
        public string Freeze { get; init; } = DefaultNameAttribute.Of(FrozenLayers.None);

        [CommandOption("--head <KIND>")] [Description("The new head on a frozen body: linear (the output layer) or mlp (a hidden dense 512 + BatchNorm + ReLU before it).")]
        [DefaultName(HeadKind.Linear)]
        public string Head { get; init; } = DefaultNameAttribute.Of(HeadKind.Linear);

        [CommandOption("--unfreeze-after <N>")] [Description("After N epochs of the head alone, fine-tune the whole network.")]
        public int? UnfreezeAfter { get; init; }

        [CommandOption("--precision <P>")] [Description("fp32, or bf16: the forward pass under bfloat16 autocast, weights, gradients and optimizer in fp32.")]
        [DefaultName(TrainingPrecision.Fp32)]
        public string Precision { get; init; } = DefaultNameAttribute.Of(TrainingPrecision.Fp32);

        [CommandOption("--no-feature-cache")] [Description("Run the frozen body on every batch instead of caching its features (no disk).")]
        public bool NoFeatureCache { get; init; }

        // Each default is the library's (TrainingOptions.DefaultX), shown by --help; a property is named after the option it sets,
        // so a library error about that option is shown with this flag.
        [CommandOption("--seed <N>")] [DefaultValue(TrainingOptions.DefaultSeed)] public int Seed { get; init; } = TrainingOptions.DefaultSeed;
        [CommandOption("--batch-size <N>")] [DefaultValue(TrainingOptions.DefaultBatchSize)] public int BatchSize { get; init; } = TrainingOptions.DefaultBatchSize;
        [CommandOption("--momentum <M>")] [DefaultValue(TrainingOptions.DefaultMomentum)] public double Momentum { get; init; } = TrainingOptions.DefaultMomentum;
        [CommandOption("--no-nesterov")] [Description("Plain momentum instead of Nesterov's.")] public bool NoNesterov { get; init; }
        [CommandOption("--weight-decay <W>")] [DefaultValue(TrainingOptions.DefaultWeightDecay)] public double WeightDecay { get; init; } = TrainingOptions.DefaultWeightDecay;
        [CommandOption("--dropout <P>")] [DefaultValue(TrainingOptions.DefaultDropout)] public double Dropout { get; init; } = TrainingOptions.DefaultDropout;

        [CommandOption("--learning-rates <LIST>")] [Description("Comma-separated stages.")] [DefaultValue(TrainingOptions.DefaultLearningRates)]
        public string LearningRates { get; init; } = TrainingOptions.DefaultLearningRates;

        [CommandOption("--patience <N>")] [Description("Epochs without a better validation loss before the next stage.")] [DefaultValue(TrainingOptions.DefaultPatience)]
        public int Patience { get; init; } = TrainingOptions.DefaultPatience;

        [CommandOption("--lr-decay <D>")] [Description("Keras's per-update decay: rate / (1 + D t), t = updates in the stage (the authors' code: 1e-6).")] [DefaultValue(TrainingOptions.DefaultLearningRateDecay)]
        public double LearningRateDecay { get; init; } = TrainingOptions.DefaultLearningRateDecay;

        [CommandOption("--bn-epsilon <E>")] [Description("BatchNorm epsilon.")] [DefaultValue(TrainingOptions.DefaultBatchNormEpsilon)]
        public double BatchNormEpsilon { get; init; } = TrainingOptions.DefaultBatchNormEpsilon;

        [CommandOption("--bn-momentum <M>")] [Description("BatchNorm momentum, PyTorch's sense (the authors' Keras 0.99 = 0.01).")] [DefaultValue(TrainingOptions.DefaultBatchNormMomentum)]
        public double BatchNormMomentum { get; init; } = TrainingOptions.DefaultBatchNormMomentum;

        [CommandOption("--segments <N>")] [Description("Segments per clip (default, or 0: every whole segment of the clip, as the authors' code).")]
        public int? SegmentsPerClip { get; init; }

        [CommandOption("--hop <SAMPLES>")] [Description("Samples between segment starts (default: the segment length).")]
        public int? SegmentHop { get; init; }

        [CommandOption("--max-epochs <N>")] public int? MaxEpochs { get; init; }
        [CommandOption("--max-minutes <M>")] public double? MaxMinutes { get; init; }

        [CommandOption("--checkpoint-minutes <M>")] [Description("Also checkpoint within an epoch this often: the most a kill loses.")] [DefaultValue(TrainingOptions.DefaultCheckpointMinutes)]
        public double CheckpointMinutes { get; init; } = TrainingOptions.DefaultCheckpointMinutes;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Store) || string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--store DIR and --run DIR are required")
            : !Enum.TryParse<FrozenLayers>(Freeze, ignoreCase: true, out _) ? ValidationResult.Error($"--freeze '{Freeze}': expected none or body")
            : !Enum.TryParse<HeadKind>(Head, ignoreCase: true, out _) ? ValidationResult.Error($"--head '{Head}': expected linear or mlp")
            : !Enum.TryParse<TrainingPrecision>(Precision, ignoreCase: true, out _) ? ValidationResult.Error($"--precision '{Precision}': expected fp32 or bf16")
            : ValidationResult.Success();

        public TrainingOptions Options => new()
        {
            Model = Model, Seed = Seed, BatchSize = BatchSize, Momentum = Momentum, Nesterov = !NoNesterov, WeightDecay = WeightDecay,
            Dropout = Dropout, Patience = Patience, LearningRateDecay = LearningRateDecay, BatchNormEpsilon = BatchNormEpsilon, BatchNormMomentum = BatchNormMomentum,
            SegmentsPerClip = SegmentsPerClip is 0 ? null : SegmentsPerClip, SegmentHop = SegmentHop,
            MaxEpochs = MaxEpochs, MaxMinutes = MaxMinutes, CheckpointMinutes = CheckpointMinutes, LearningRates = TrainingOptions.ParseLearningRates(LearningRates),
            InitFrom = InitFrom, Tags = Tags?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            Freeze = Enum.Parse<FrozenLayers>(Freeze, ignoreCase: true), Head = Enum.Parse<HeadKind>(Head, ignoreCase: true),
            UnfreezeAfter = UnfreezeAfter, CacheFeatures = !NoFeatureCache, Precision = Enum.Parse<TrainingPrecision>(Precision, ignoreCase: true),
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.Options;
        options.Validate();
        var device = settings.Apply();
        using var store = SegmentStore.Open(settings.Store);
        var run = new RunFolder(settings.Run);
        console.MarkupLineInterpolated($"training {(settings.Resume ? "(resumed) " : "")}on {store.Folder}: {store.Clips.Count} clips, {options.Tags?.Length ?? store.Vocabulary.Count} of its {store.Vocabulary.Count} tags, device {device.type}");
        using var view = new TrainingView(console);
        var result = Trainer.Run(store, run, options, device, settings.Resume, progress: view, cancel: cancellationToken);
        view.Show(result);
        return 0;
    }
}
