using SampleCnn.Inference;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Cli;

/// <summary>`tag --manifest --shard --parts` and `merge` from the command line: what they say, and a worker killed with SIGKILL then rerun.</summary>
public sealed class ShardCommandTests : IDisposable
{
    readonly Fixtures.Scratch scratch = new();
    readonly string checkpoint;

    public ShardCommandTests()
    {
        var (model, path) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        checkpoint = path;
    }

    public void Dispose() => scratch.Dispose();

    string[] Tag(string manifest, string root, string parts, params string[] more) =>
        ["tag", "--manifest", manifest, "--audio-root", root, "--parts", parts, "--model", checkpoint, "--threads", "1", .. more];

    [Fact]
    public void TheWorkerSaysWhichShardFromWhereAndMergeSaysWhatIsMissing()
    {
        var (manifest, root, paths) = ShardedTaggingTests.Music(scratch.Folder, 8);
        var parts = Path.Combine(scratch.Folder, "parts");
        int mine = paths.Count(p => Shard.Of(p, 2) == 0);

        var (code, output, error) = CliRunner.Run(Tag(manifest, root, parts, "--shard", "0/2"));
        Assert.True(code == 0, error);
        Assert.Contains($"shard 0/2 (given): {mine} of the 8 files in {manifest}\n", output);
        Assert.Contains($"parts in {parts}: 0 files already done, {mine} to tag\n", output);

        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "1");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_COUNT", "2");
        try
        {
            (code, output, error) = CliRunner.Run(Tag(manifest, root, parts, "--shard", "0/2"));
            Assert.Contains($"parts in {parts}: {mine} files already done, 0 to tag\n", output);
            (code, output, error) = CliRunner.Run(Tag(manifest, root, parts));
            Assert.True(code == 0, error);
            Assert.Contains($"shard 1/2 (Slurm SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=2): {8 - mine} of the 8 files", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", null);
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_COUNT", null);
        }

        var csv = Path.Combine(scratch.Folder, "all.csv");
        (code, output, error) = CliRunner.Run("merge", parts, "--manifest", manifest, "--out", csv);
        Assert.True(code == 0, error);
        Assert.Contains("every file of the manifest is there once, tagged", output);
        File.AppendAllText(manifest, "not/there.wav\n");
        (code, output, _) = CliRunner.Run("merge", parts, "--manifest", manifest, "--out", csv);
        Assert.Equal(1, code);
        Assert.Contains("1 file(s) are missing (rerun their shards):\n  not/there.wav\n", output);

        (code, _, error) = CliRunner.Run("tag", "x.wav", "--manifest", manifest, "--model", checkpoint);
        Assert.Equal((2, "samplecnn: INPUTS and --manifest: choose one\n"), (code, error));
        (code, _, error) = CliRunner.Run(Tag(manifest, root, parts, "--shard", "2/2"));
        Assert.Equal((2, "samplecnn: --shard 2/2: the index counts from 0, so it must be below 2 (given)\n"), (code, error));
        (code, _, error) = CliRunner.Run("tag", "--manifest", manifest, "--audio-root", root, "--model", checkpoint, "--embedding");
        Assert.Equal((2, "samplecnn: --embedding goes with --parts DIR\n"), (code, error));
        var embedded = Path.Combine(scratch.Folder, "embedded");
        (code, _, error) = CliRunner.Run(Tag(manifest, root, embedded, "--embedding"));
        Assert.True(code == 1, error); // the manifest's not/there.wav fails; the others carry their embedding
        Assert.Equal(512, SampleCnn.Tagging.TagPart.Read(SampleCnn.Tagging.ShardParts.In(embedded).First()).Embedding);
    }

    [Fact]
    public void AWorkerKilledMidShardAndRerunLeavesEveryFileOnceWithTheScoresOfOneRun()
    {
        var (manifest, root, paths) = ShardedTaggingTests.Music(scratch.Folder, 40);
        var parts = Path.Combine(scratch.Folder, "parts");
        bool Written() => Directory.Exists(parts) && Directory.EnumerateFiles(parts, "part-0-of-2.*.parquet").Any();
        // A part per file, so the kill lands between parts or during one's write.
        Assert.True(ChildProcess.KillWhen(Written, Tag(manifest, root, parts, "--shard", "0/2", "--flush-files", "1")), "the worker ended before it could be killed");
        int before = ShardParts.In(parts).Count;
        Assert.InRange(before, 1, paths.Count(p => Shard.Of(p, 2) == 0) - 1);

        foreach (var shard in new[] { "0/2", "1/2" })
        {
            var (code, error) = ChildProcess.Run(Tag(manifest, root, parts, "--shard", shard));
            Assert.True(code == 0, error);
        }
        var merged = Path.Combine(scratch.Folder, "all.parquet");
        var (mergeCode, output, mergeError) = CliRunner.Run("merge", parts, "--manifest", manifest, "--out", merged);
        Assert.True(mergeCode == 0, mergeError + output);

        var rows = TagPart.Read(merged).Rows;
        Assert.Equal(paths, rows.Select(r => r.File));
        using var single = TaggingSession.Open([Path.Combine(scratch.Folder, "audio")], checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        var expected = single.Run().ToDictionary(r => Path.GetRelativePath(root, r.Path).Replace('\\', '/'), r => r.ClipScores);
        // Within float32 rounding: a file's segments share batches with other neighbours in one process than in two.
        Assert.All(rows, r => Assert.Equal(expected[r.File], r.Scores!, (a, b) => Math.Abs(a - b) <= 1e-6f));
    }

    [Fact]
    public void EmbedTakesTheSameShardOfAManifest()
    {
        var (manifest, root, paths) = ShardedTaggingTests.Music(scratch.Folder, 8);
        var output = Path.Combine(scratch.Folder, "shard1.jsonl");
        var (code, text, error) = CliRunner.Run("embed", "--manifest", manifest, "--audio-root", root, "--shard", "1/2", "--model", checkpoint, "--out", output);
        Assert.True(code == 0, error);
        var mine = paths.Where(p => Shard.Of(p, 2) == 1).ToList();
        Assert.Contains($"shard 1/2 (given): {mine.Count} of the 8 files in {manifest}\n", text);
        var files = File.ReadLines(output).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()).ToList();
        Assert.Equal(mine.Select(p => Path.Combine(root, p)), files);

        (code, _, error) = CliRunner.Run("embed", "--manifest", manifest, "--parts", "p", "--model", checkpoint, "--out", output);
        Assert.Equal(2, code); // parts are tag's
        (code, _, error) = CliRunner.Run("embed", "x.wav", "--shard", "0/2", "--model", checkpoint, "--out", output);
        Assert.Equal((2, "samplecnn: --audio-root and --shard go with --manifest FILE\n"), (code, error));
    }
}
