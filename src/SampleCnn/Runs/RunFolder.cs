namespace SampleCnn.Runs;

/// <summary>The files of a training run.</summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = path;
    public string Config => System.IO.Path.Combine(Path, "config.json");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.csv");
    public string TensorBoard => System.IO.Path.Combine(Path, "tensorboard");
    public string Best => System.IO.Path.Combine(Path, "best.ckpt");
    public string Last => System.IO.Path.Combine(Path, "last.ckpt");

    /// <summary>True when the folder holds nothing of a run (see <see cref="Platform.WriterLock.HoldsNothingWritten"/>).</summary>
    public bool IsEmpty => Platform.WriterLock.HoldsNothingWritten(Path);

    /// <summary>A checkpoint by name (best, last) or a path.</summary>
    public string CheckpointPath(string nameOrPath) => nameOrPath switch
    {
        "best" => Best,
        "last" => Last,
        _ => nameOrPath,
    };

    /// <summary>A run folder, or the run folder a checkpoint file lies in, resolved to its best checkpoint by default.</summary>
    public static string ResolveCheckpoint(string runOrCheckpoint, string which = "best") =>
        Directory.Exists(runOrCheckpoint) ? new RunFolder(runOrCheckpoint).CheckpointPath(which) : runOrCheckpoint;
}
