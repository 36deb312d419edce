using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Runs;

/// <summary>
/// A training run's folder and its whole format: config.json (the recipe as run), metrics.csv (one row per
/// epoch), tensorboard/, best.ckpt and last.ckpt (<see cref="Checkpoint"/>), the evaluations
/// (evaluation-SPLIT-CHECKPOINT.json/.csv/.png), each evaluated checkpoint's tuned thresholds
/// (thresholds-CHECKPOINT.json, <see cref="TagThresholds"/>) and a frozen body's cached features
/// (features-SPLIT.f32/.json). Nothing else names these files.
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = path;
    public string Config => System.IO.Path.Combine(Path, "config.json");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.csv");
    public string TensorBoard => System.IO.Path.Combine(Path, "tensorboard");
    public string Best => System.IO.Path.Combine(Path, "best.ckpt");
    public string Last => System.IO.Path.Combine(Path, "last.ckpt");

    /// <summary>A frozen body's features for a split's segments (float32 rows, appended; see <see cref="FeaturesProgress"/>).</summary>
    public string Features(string split) => System.IO.Path.Combine(Path, $"features-{split}.f32");

    /// <summary>How many rows of <see cref="Features"/> are durable (replaced atomically once they are synced).</summary>
    public string FeaturesProgress(string split) => System.IO.Path.Combine(Path, $"features-{split}.json");

    /// <summary>True when the folder holds nothing of a run (see <see cref="WriterLock.HoldsNothingWritten"/>).</summary>
    public bool IsEmpty => WriterLock.HoldsNothingWritten(Path);

    /// <summary>True once a run was started here: its config is written before anything else.</summary>
    public bool WasStarted => File.Exists(Config);

    /// <summary>The options the run was started with.</summary>
    public TrainingOptions ReadConfig()
    {
        if (!File.Exists(Config)) throw new FileNotFoundException($"{Config}: not found (no run was started in {Path})", Config);
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(Config), JsonSettings.Indented) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Config}: not a run's config ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>The run's config, or null when the folder holds none (a bare checkpoint's folder).</summary>
    public TrainingOptions? ReadConfigIfAny() => WasStarted ? ReadConfig() : null;

    public void WriteConfig(TrainingOptions options) => AtomicFile.WriteAllText(Config, JsonSerializer.Serialize(options, JsonSettings.Indented));

    /// <summary>The epochs' rows of metrics.csv, in order.</summary>
    public IReadOnlyList<EpochMetrics> ReadMetrics() => MetricsLog.Read(Metrics);

    /// <summary>Adds an epoch's row; the file is replaced whole, so a kill never leaves a torn row.</summary>
    public void AppendMetrics(EpochMetrics row) => MetricsLog.Write(Metrics, [.. ReadMetrics(), row]);

    /// <summary>Keeps the rows of epochs up to <paramref name="epoch"/> (a resume's checkpoint), so no epoch appears twice or goes missing.</summary>
    public void KeepMetricsUpTo(int epoch) => MetricsLog.Write(Metrics, ReadMetrics().Where(m => m.Epoch <= epoch));

    /// <summary>A checkpoint by name (best, last) or a path.</summary>
    public string CheckpointPath(string nameOrPath) => nameOrPath switch
    {
        "best" => Best,
        "last" => Last,
        _ => nameOrPath,
    };

    /// <summary>Where the evaluation of a checkpoint (best, last or a checkpoint file) on a split is kept.</summary>
    public EvaluationFiles Evaluation(string split, string checkpoint)
    {
        var stem = System.IO.Path.Combine(Path, $"evaluation-{split}-{System.IO.Path.GetFileNameWithoutExtension(CheckpointPath(checkpoint))}");
        return new EvaluationFiles(stem + ".json", stem + ".csv", stem + ".png", Thresholds(checkpoint));
    }

    /// <summary>Where the thresholds tuned for a checkpoint (best, last or a checkpoint file) are kept: one file per checkpoint, whatever the split evaluated.</summary>
    public string Thresholds(string checkpoint) =>
        System.IO.Path.Combine(Path, $"thresholds-{System.IO.Path.GetFileNameWithoutExtension(CheckpointPath(checkpoint))}.json");

    /// <summary>The thresholds kept for a model: a run folder's checkpoint's in the folder, a model file's beside it (where `evaluate` keeps them by default).</summary>
    public static string ThresholdsOf(string runOrModel, string which = "best") =>
        Directory.Exists(runOrModel) ? new RunFolder(runOrModel).Thresholds(which)
            : new RunFolder(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(runOrModel))!).Thresholds(runOrModel);

    /// <summary>A run folder, or the run folder a checkpoint file lies in, resolved to its best checkpoint by default.</summary>
    public static string ResolveCheckpoint(string runOrCheckpoint, string which = "best") =>
        Directory.Exists(runOrCheckpoint) ? new RunFolder(runOrCheckpoint).CheckpointPath(which) : runOrCheckpoint;
}
