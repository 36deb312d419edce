namespace SampleCnn.Tagging;

/// <summary>What a sharded run found: its shard and where that came from, the manifest's files, the shard's, and those its parts already held.</summary>
public sealed record ShardWork(Shard Shard, string Manifest, int ManifestFiles, int RepeatedInManifest, int ShardFiles, int AlreadyDone, string? Parts)
{
    public int ToTag => ShardFiles - AlreadyDone;
}
