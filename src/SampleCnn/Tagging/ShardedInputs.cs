namespace SampleCnn.Tagging;

/// <summary>A batch job's share of a manifest, and where its results go.</summary>
/// <param name="Manifest">The list of files (<see cref="Tagging.Manifest"/>).</param>
/// <param name="AudioRoot">The folder the manifest's relative paths start from (the current folder when null).</param>
/// <param name="Shard">"I/N", or null for the scheduler's environment (<see cref="Tagging.Shard.FromEnvironment"/>), or else the whole manifest.</param>
/// <param name="Parts">The folder of Parquet parts to write (and resume from), or null for none.</param>
/// <param name="FlushFiles">A part is written after this many files...</param>
/// <param name="FlushSeconds">... or after this many seconds, whichever comes first.</param>
public sealed record ShardedInputs(string Manifest, string? AudioRoot = null, string? Shard = null, string? Parts = null,
    int FlushFiles = ShardedInputs.DefaultFlushFiles, double FlushSeconds = ShardedInputs.DefaultFlushSeconds)
{
    public const int DefaultFlushFiles = 200;
    public const double DefaultFlushSeconds = 60;

    /// <summary>Reads the manifest, finds the shard (the option, the scheduler's environment, or the whole manifest) and the manifest paths in it, in order.</summary>
    internal (Manifest Manifest, Shard Shard, List<string> Mine) Select()
    {
        var manifest = Tagging.Manifest.Read(Manifest);
        var shard = Tagging.Shard.Resolve(Shard, Environment.GetEnvironmentVariable);
        return (manifest, shard, manifest.Paths.Where(shard.Holds).ToList());
    }
}
