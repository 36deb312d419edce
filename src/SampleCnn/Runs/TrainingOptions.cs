using System.Globalization;
using SampleCnn.Models;
using SampleCnn.Platform;

namespace SampleCnn.Runs;

/// <summary>
/// The recipe, with the paper's values as defaults: BCE on sigmoid outputs, SGD with Nesterov momentum
/// 0.9, batch 23, weight decay 1e-7, dropout 0.5, learning-rate stages 0.01 / 5^k, a stage ends when the
/// validation loss has not improved for 3 epochs (then the best weights are reloaded), every whole segment of a clip.
/// </summary>
public sealed record TrainingOptions
{
    // The defaults, stated once: the record's initialisers and the command line's documented defaults both read them.
    public const string DefaultModel = ModelSpec.PaperBest;
    public const int DefaultSeed = Seeds.Default;
    public const int DefaultBatchSize = 23;
    public const double DefaultMomentum = 0.9;
    public const double DefaultWeightDecay = 1e-7;
    public const double DefaultDropout = TaggingCnn.PaperDropout;

    /// <summary>The learning-rate stages as a list (0.01 / 5^k), the form <see cref="ParseLearningRates"/> reads.</summary>
    public const string DefaultLearningRates = "0.01,0.002,0.0004,0.00008,0.000016";

    public const int DefaultPatience = 3;
    public const double DefaultLearningRateDecay = 0;
    public const double DefaultBatchNormEpsilon = BatchNormSettings.DefaultEpsilon;
    public const double DefaultBatchNormMomentum = BatchNormSettings.DefaultMomentum;
    public const double DefaultCheckpointMinutes = 10;

    /// <summary>The model spec; on a frozen body, the body's (<see cref="Network"/> adds an MLP head's hidden layer).</summary>
    public string Model { get; init; } = DefaultModel;

    /// <summary>The store trained on (recorded by the trainer, so evaluation finds it).</summary>
    public string? Store { get; init; }
    public int Seed { get; init; } = DefaultSeed;
    public int BatchSize { get; init; } = DefaultBatchSize;
    public double Momentum { get; init; } = DefaultMomentum;
    public bool Nesterov { get; init; } = true;
    public double WeightDecay { get; init; } = DefaultWeightDecay;
    public double Dropout { get; init; } = DefaultDropout;
    public double[] LearningRates { get; init; } = ParseLearningRates(DefaultLearningRates);
    public int Patience { get; init; } = DefaultPatience;

    /// <summary>
    /// Keras's per-update decay: the rate of update t of a stage is rate / (1 + decay t), t counted from 0
    /// at each stage (the authors' code used 1e-6; the paper does not mention it, so 0 by default).
    /// </summary>
    public double LearningRateDecay { get; init; } = DefaultLearningRateDecay;

    /// <summary>BatchNorm's epsilon (PyTorch's and the authors' Keras 1.1 default, 1e-5).</summary>
    public double BatchNormEpsilon { get; init; } = DefaultBatchNormEpsilon;

    /// <summary>BatchNorm's momentum in PyTorch's sense (0.1); the authors' Keras momentum 0.99 is 0.01 here.</summary>
    public double BatchNormMomentum { get; init; } = DefaultBatchNormMomentum;

    [System.Text.Json.Serialization.JsonIgnore]
    public BatchNormSettings BatchNorm => new(BatchNormEpsilon, BatchNormMomentum);

    /// <summary>
    /// Segments per clip; null: every whole, non-overlapping segment of the stored clip, as the authors' code
    /// cuts its 640,000-sample clips (10 for 3^9, 19 for 2^14, 32 for 3^8).
    /// </summary>
    public int? SegmentsPerClip { get; init; }

    /// <summary>Samples between segment starts; null: the segment length (no overlap).</summary>
    public int? SegmentHop { get; init; }

    /// <summary>Stop after this many epochs in all (a later resume may raise it).</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>Stop after the epoch that passes this many minutes of this invocation.</summary>
    public double? MaxMinutes { get; init; }

    /// <summary>Also checkpoint within an epoch after this many minutes since the last checkpoint: the most a kill loses.</summary>
    public double CheckpointMinutes { get; init; } = DefaultCheckpointMinutes;

    /// <summary>torch's CPU threads (recorded by the trainer and reused on resume: the thread count can change the sums' rounding).</summary>
    public int? Threads { get; init; }

    /// <summary>The weights the run started from (recorded by the trainer, so a run killed before its first checkpoint restarts from them).</summary>
    public string? InitFrom { get; init; }

    /// <summary>The training steps' arithmetic (fp32, or a bfloat16 autocast forward pass on fp32 master weights).</summary>
    public TrainingPrecision Precision { get; init; }

    /// <summary>The store's tags to train on, in this order; null: all of them.</summary>
    public string[]? Tags { get; init; }

    /// <summary>
    /// <see cref="FrozenLayers.Body"/>: train a new head only, on the features of the body from <see cref="InitFrom"/>
    /// (BatchNorm in evaluation mode: its running statistics stay), for <see cref="UnfreezeAfter"/> epochs or all.
    /// </summary>
    public FrozenLayers Freeze { get; init; }

    /// <summary>The new head on a frozen body.</summary>
    public HeadKind Head { get; init; }

    /// <summary>After this many epochs of the head alone, train the whole network (null: the body stays frozen).</summary>
    public int? UnfreezeAfter { get; init; }

    /// <summary>
    /// Keep the frozen body's features in the run folder, computed once (true), or run the body on every batch (false:
    /// no disk, each epoch costs a forward pass of the body).
    /// </summary>
    public bool CacheFeatures { get; init; } = true;

    /// <summary>
    /// The network trained: <see cref="Model"/>, the spec of the body it starts from, with a hidden dense layer
    /// (<c>+dense-head</c>) when the new head is an MLP.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ModelSpec Network => Freeze == FrozenLayers.Body && Head == HeadKind.Mlp ? ModelSpec.Parse(Model) with { DenseHead = true } : ModelSpec.Parse(Model);

    /// <summary>True while epoch <paramref name="epoch"/> (1-based) trains the new head alone.</summary>
    public bool HeadOnly(int epoch) => Freeze == FrozenLayers.Body && (UnfreezeAfter is not { } n || epoch <= n);

    /// <summary>Learning-rate stages from a comma-separated list such as <see cref="DefaultLearningRates"/>.</summary>
    public static double[] ParseLearningRates(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(r => double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new OptionException(nameof(LearningRates), "learning rates", null, $"'{r}' is not a number"))
            .ToArray();

    public void Validate()
    {
        if (BatchSize < 2) throw new OptionException(nameof(BatchSize), "batch size", BatchSize, "must be at least 2 (BatchNorm cannot train on one segment)");
        if (LearningRates.Length == 0 || LearningRates.Any(r => !(r > 0))) throw new OptionException(nameof(LearningRates), "learning rates", null, "give one or more positive rates");
        if (Patience < 1) throw new OptionException(nameof(Patience), "patience", Patience, "must be at least 1");
        if (Dropout is < 0 or >= 1) throw new OptionException(nameof(Dropout), "dropout", Dropout, "must be in [0, 1)");
        if (Momentum is < 0 or >= 1) throw new OptionException(nameof(Momentum), "momentum", Momentum, "must be in [0, 1)");
        if (WeightDecay < 0) throw new OptionException(nameof(WeightDecay), "weight decay", WeightDecay, "must not be negative");
        if (!(LearningRateDecay >= 0)) throw new OptionException(nameof(LearningRateDecay), "learning-rate decay", LearningRateDecay, "must not be negative");
        BatchNorm.Validate(nameof(BatchNormEpsilon), nameof(BatchNormMomentum));
        if (SegmentsPerClip is < 1) throw new OptionException(nameof(SegmentsPerClip), "segments per clip", SegmentsPerClip, "must be at least 1");
        if (SegmentHop is < 1) throw new OptionException(nameof(SegmentHop), "segment hop", SegmentHop, "must be at least 1");
        if (MaxEpochs is < 1) throw new OptionException(nameof(MaxEpochs), "epoch limit", MaxEpochs, "must be at least 1");
        if (MaxMinutes is <= 0) throw new OptionException(nameof(MaxMinutes), "time limit in minutes", MaxMinutes, "must be positive");
        if (Freeze == FrozenLayers.Body && InitFrom is null)
            throw new OptionException(nameof(Freeze), "frozen layers", "body", "needs the weights to start from (a trained model's body)");
        if (Freeze == FrozenLayers.None && (Head != HeadKind.Linear || UnfreezeAfter is not null))
            throw new OptionException(nameof(Freeze), "frozen layers", "none", "a head kind or an unfreezing epoch applies to a frozen body only");
        if (UnfreezeAfter is < 1) throw new OptionException(nameof(UnfreezeAfter), "epochs before unfreezing", UnfreezeAfter, "must be at least 1");
        if (Head == HeadKind.Mlp && ModelSpec.Parse(Model).MultiLevel)
            throw new OptionException(nameof(Head), "head", "mlp", $"needs a single-level model ({Model} already has a hidden dense layer on its three levels)");
        if (!(CheckpointMinutes > 0)) throw new OptionException(nameof(CheckpointMinutes), "minutes between checkpoints", CheckpointMinutes, "must be positive");
    }
}
