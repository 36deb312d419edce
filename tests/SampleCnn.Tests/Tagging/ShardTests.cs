using SampleCnn.Platform;
using SampleCnn.Tagging;

namespace SampleCnn.Tests.Tagging;

/// <summary>A file's shard is a stable hash of its manifest path; the shard is given, or read from Kubernetes' or Slurm's environment.</summary>
public sealed class ShardTests
{
    [Fact]
    public void AFilesShardIsTheFirst8BytesOfTheSha256OfItsPathModuloTheCount()
    {
        // Values from Python: int.from_bytes(hashlib.sha256(p.encode()).digest()[:8], "big") % n
        Assert.Equal(2, Shard.Of("music/a.mp3", 4));
        Assert.Equal(5, Shard.Of("music/a.mp3", 7));
        Assert.Equal(615, Shard.Of("clip000.wav", 1000));
        Assert.Equal(1, Shard.Of("ü/é.wav", 4)); // UTF-8
        Assert.True(new Shard(2, 4, "given").Holds("music/a.mp3"));
        Assert.False(new Shard(1, 4, "given").Holds("music/a.mp3"));
    }

    static Func<string, string?> Env(params (string Name, string Value)[] vars) => name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void TheOptionWinsThenKubernetesThenSlurmThenTheWholeManifest()
    {
        var env = Env(("JOB_COMPLETION_INDEX", "3"), (Shard.CountVariable, "8"), ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"));
        Assert.Equal(new Shard(1, 4, "given"), Shard.Resolve("1/4", env));
        Assert.Equal(new Shard(3, 8, "Kubernetes JOB_COMPLETION_INDEX=3, SAMPLECNN_SHARDS=8"), Shard.Resolve(null, env));
        Assert.Equal(new Shard(1, 2, "Slurm SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=2"),
            Shard.Resolve(null, Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"))));
        Assert.Equal(Shard.Whole, Shard.Resolve(null, Env()));
    }

    [Fact]
    public void ASlurmArrayCountsFromItsMinimumInItsSteps()
    {
        Assert.Equal(new Shard(3, 4, "Slurm SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=1"),
            Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1"))));
        Assert.Equal(2, Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "10"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "6"), ("SLURM_ARRAY_TASK_STEP", "2")))!.Index);
        Assert.Contains("not on the array's steps",
            Assert.Throws<OptionException>(() => Shard.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "6"), ("SLURM_ARRAY_TASK_STEP", "2")))).Message);
    }

    [Theory]
    [InlineData("4/4", "shard 4/4: the index counts from 0, so it must be below 4 (given)")]
    [InlineData("0/0", "shard 0/0: the count must be at least 1")]
    [InlineData("1of4", "shard 1of4: expected I/N, e.g. 0/4 (I counts from 0)")]
    [InlineData("-1/4", "shard -1/4: expected I/N, e.g. 0/4 (I counts from 0)")]
    public void ABadShardIsRefusedInOneLine(string text, string message) =>
        Assert.Equal(message, Assert.Throws<OptionException>(() => Shard.Parse(text)).Message);

    [Fact]
    public void KubernetesWithoutTheCountIsRefused() =>
        Assert.Equal($"shard: JOB_COMPLETION_INDEX is set but {Shard.CountVariable} is not; set it in the Job to its completions count",
            Assert.Throws<OptionException>(() => Shard.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "0")))).Message);
}
