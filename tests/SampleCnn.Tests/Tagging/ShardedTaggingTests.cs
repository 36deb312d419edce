using SampleCnn.Audio.Decoding;
using SampleCnn.Inference;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>Manifests, a shard's Parquet parts (written whole, resumed, one writer per shard) and their merge.</summary>
public sealed class ShardedTaggingTests : IDisposable
{
    readonly Fixtures.Scratch scratch = new();
    readonly string checkpoint;

    public ShardedTaggingTests()
    {
        var (model, path) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        checkpoint = path;
    }

    public void Dispose() => scratch.Dispose();

    /// <summary>Distinct short tones under audio/, listed relative to it in manifest.txt.</summary>
    internal static (string Manifest, string Root, List<string> Paths) Music(string folder, int count)
    {
        var root = Path.Combine(folder, "audio");
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var relative = $"{(char)('a' + i % 3)}/clip{i:D3}.wav";
            Directory.CreateDirectory(Path.Combine(root, Path.GetDirectoryName(relative)!));
            var samples = Enumerable.Range(0, 2000).Select(n => 0.3f * MathF.Sin(2 * MathF.PI * (100 + 37 * i) * n / 22050f)).ToArray();
            WavWriter.WriteMono16(Path.Combine(root, relative), samples, 22050);
            paths.Add(relative);
        }
        var manifest = Path.Combine(folder, "manifest.txt");
        File.WriteAllLines(manifest, paths);
        return (manifest, root, paths);
    }

    TaggingSession Open(ShardedInputs inputs) => TaggingSession.Open(inputs, checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);

    [Fact]
    public void AManifestIsALineListOrATableWithAPathColumnEachPathOnce()
    {
        var text = scratch.Write("list.txt", "# my files\na/1.wav\n\nb/2.mp3\r\na/1.wav\nc,d.wav\n"u8.ToArray());
        var read = Manifest.Read(text);
        Assert.Equal(["a/1.wav", "b/2.mp3", "c,d.wav"], read.Paths); // a comma in a line list is part of the path
        Assert.Equal(1, read.Repeated);
        Assert.Equal(["x/1.wav", "y, z.wav"], Manifest.Read(scratch.Write("m.csv", "id,Path\n1,x/1.wav\n2,\"y, z.wav\"\n"u8.ToArray())).Paths);
        Assert.Equal(["x/1.wav"], Manifest.Read(scratch.Write("m.tsv", "path\tartist\nx/1.wav\tsomeone, else\n"u8.ToArray())).Paths);
        Assert.Equal(Path.Combine(scratch.Folder, "x", "1.wav"), Manifest.Locate("x/1.wav", scratch.Folder));
        Assert.Equal("/abs/1.wav", Manifest.Locate("/abs/1.wav", scratch.Folder));
    }

    [Fact]
    public void EachShardTagsItsFilesIntoWholePartsAndARerunTagsOnlyTheRest()
    {
        var (manifest, root, paths) = Music(scratch.Folder, 12);
        var parts = Path.Combine(scratch.Folder, "parts");
        var inputs = new ShardedInputs(manifest, root, "1/2", parts, FlushFiles: 2);
        var mine = paths.Where(p => Shard.Of(p, 2) == 1).ToList();
        Assert.InRange(mine.Count, 3, 9);

        // Stopped after 3 files (as a kill would after a flush): one part of 2 files; the third is written when the session ends.
        using (var session = Open(inputs))
        {
            Assert.Equal(new ShardWork(new Shard(1, 2, "given"), manifest, 12, 0, mine.Count, 0, parts), session.Shard);
            Assert.Equal(mine.Select(p => Path.Combine(root, p)), session.Files);
            foreach (var _ in session.Run().Take(3)) { }
            Assert.Single(ShardParts.In(parts));
        }
        Assert.Equal(["part-1-of-2.00000.parquet", "part-1-of-2.00001.parquet"], ShardParts.In(parts).Select(Path.GetFileName));
        File.WriteAllText(Path.Combine(parts, "part-1-of-2.00002.parquet.tmp"), "torn"); // a kill during a write

        using (var session = Open(inputs))
        {
            Assert.Equal(3, session.Shard!.AlreadyDone);
            Assert.Equal(mine.Skip(3).Select(p => Path.Combine(root, p)), session.Files);
            Assert.False(File.Exists(Path.Combine(parts, "part-1-of-2.00002.parquet.tmp")));
            Assert.All(session.Run(), r => Assert.False(r.Failed));
        }
        var rows = ShardParts.In(parts).SelectMany(p => TagPart.Read(p).Rows).ToList();
        Assert.Equal(mine, rows.Select(r => r.File));
        Assert.All(rows, r => Assert.Equal(PartRow.Ok, r.Status));

        using var direct = TaggingSession.Open(mine.Select(p => Path.Combine(root, p)).ToList(), checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        // Within float32 rounding: a file's segments share batches with other neighbours here than when resumed.
        Assert.All(direct.Run().Zip(rows), p => Assert.Equal(p.First.ClipScores, p.Second.Scores!, (a, b) => Math.Abs(a - b) <= 1e-6f));
    }

    [Fact]
    public void PartsCarryEachFilesEmbeddingAsEmbedComputesItAndMergeKeepsIt()
    {
        var (manifest, root, paths) = Music(scratch.Folder, 4);
        File.WriteAllText(Path.Combine(root, paths[2]), "not audio");
        var parts = Path.Combine(scratch.Folder, "parts");
        var withEmbedding = new TaggerOptions(Embedding: true);
        using (var session = TaggingSession.Open(new ShardedInputs(manifest, root, null, parts), checkpoint, new ModelOpenOptions(), withEmbedding, null, CPU))
            Assert.Equal(4, session.Run().Count());

        // The same scores as without the embedding, and the embedding embed writes (its default: the penultimate, mean).
        var (_, rows, width) = TagPart.Read(ShardParts.In(parts).Single());
        Assert.Equal(512, width);
        using var plain = TaggingSession.Open(paths.Select(p => Path.Combine(root, p)).ToList(), checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        var jsonl = Path.Combine(scratch.Folder, "e.jsonl");
        using (var embed = EmbeddingSession.Open(paths.Select(p => Path.Combine(root, p)).ToList(), checkpoint, new ModelOpenOptions(), new EmbeddingOptions(), new TaggerOptions(), jsonl, CPU))
            embed.Run().ToList();
        var embedded = File.ReadAllLines(jsonl).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("file").GetString()!, e => e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        foreach (var (row, tagged) in rows.Zip(plain.Run()))
        {
            if (tagged.Failed)
            {
                Assert.Equal((PartRow.Failed, null), (row.Status, row.Embedding));
                continue;
            }
            Assert.Equal(tagged.ClipScores, row.Scores!, (a, b) => Math.Abs(a - b) <= 1e-6f);
            Assert.Equal(embedded[tagged.Path], row.Embedding!, (a, b) => Math.Abs(a - b) <= 1e-5f);
        }

        var csv = Path.Combine(scratch.Folder, "all.csv");
        var parquet = Path.Combine(scratch.Folder, "all.parquet");
        PartsMerge.Run([parts], manifest, csv);
        PartsMerge.Run([parts], manifest, parquet);
        Assert.EndsWith(",embedding", File.ReadLines(csv).First());
        Assert.Equal(512, File.ReadLines(csv).Skip(1).First().Split(',')[^1].Split(' ').Length);
        Assert.Equal(rows.Select(r => r.Embedding?.Sum()), TagPart.Read(parquet).Rows.Select(r => r.Embedding?.Sum()));

        // A rerun into the same folder must keep to embeddings.
        var mixed = Assert.Throws<InvalidDataException>(() => TaggingSession.Open(new ShardedInputs(manifest, root, null, parts), checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU));
        Assert.Contains("holds embeddings, and this run writes none", mixed.Message);
    }

    [Fact]
    public void APartIsAlsoWrittenWhenItsTimeIsUpAndAnotherModelsPartsAreRefused()
    {
        var (manifest, root, _) = Music(scratch.Folder, 3);
        var parts = Path.Combine(scratch.Folder, "parts");
        using (var session = Open(new ShardedInputs(manifest, root, null, parts, FlushFiles: 100, FlushSeconds: 1e-9)))
        {
            Assert.Equal(new Shard(0, 1, "no shard given: the whole manifest"), session.Shard!.Shard);
            Assert.Equal(3, session.Run().Count());
        }
        Assert.Equal(3, ShardParts.In(parts).Count); // one per file, none left for the end

        var other = Path.Combine(scratch.Folder, "other");
        Directory.CreateDirectory(other);
        TagPart.Write(Path.Combine(other, "part-0-of-1.00000.parquet"), ["x"], [new("a/clip000.wav", PartRow.Ok, null, 1, [0.5f])]);
        Assert.Contains("are not the model's", Assert.Throws<InvalidDataException>(() => Open(new ShardedInputs(manifest, root, null, other))).Message);
        Assert.Equal("files per part 0: must be at least 1", Assert.Throws<SampleCnn.Platform.OptionException>(() => Open(new ShardedInputs(manifest, root, null, parts, FlushFiles: 0))).Message);
    }

    [Fact]
    public void ASecondWriterOfTheSameShardIsRefusedAnotherShardIsNot()
    {
        var (manifest, root, _) = Music(scratch.Folder, 4);
        var parts = Path.Combine(scratch.Folder, "parts");
        using var first = Open(new ShardedInputs(manifest, root, "0/2", parts));
        var refused = Assert.Throws<IOException>(() => Open(new ShardedInputs(manifest, root, "0/2", parts)));
        Assert.Contains("another process is writing", refused.Message);
        using var other = Open(new ShardedInputs(manifest, root, "1/2", parts));
    }

    [Fact]
    public void MergeKeepsOneRowPerFileInTheManifestsOrderAndSaysWhatIsMissingFailedOrRepeated()
    {
        var parts = Directory.CreateDirectory(Path.Combine(scratch.Folder, "parts")).FullName;
        string[] tags = ["x", "y"];
        TagPart.Write(Path.Combine(parts, "part-0-of-2.00000.parquet"), tags,
            [new("b.wav", PartRow.Ok, null, 3, [0.5f, 0.25f]), new("bad.wav", PartRow.Failed, "not audio", 0, null)]);
        TagPart.Write(Path.Combine(parts, "part-1-of-2.00000.parquet"), tags,
            [new("a.wav", PartRow.Ok, null, 2, [0.125f, 1f]), new("b.wav", PartRow.Ok, null, 3, [0.5f, 0.25f]), new("stray.wav", PartRow.Ok, null, 1, [0f, 0f])]);
        File.WriteAllText(Path.Combine(parts, "part-1-of-2.00001.parquet.tmp"), "torn");
        var manifest = scratch.Write("m.txt", "a.wav\nb.wav\nbad.wav\nmissing.wav\n"u8.ToArray());

        var csv = Path.Combine(scratch.Folder, "all.csv");
        var report = PartsMerge.Run([parts], manifest, csv);
        Assert.Equal((4, 2, 5), (report.Entries, report.Parts, report.Rows));
        Assert.Equal(["b.wav"], report.Duplicates);
        Assert.Equal(["missing.wav"], report.Missing);
        Assert.Equal([("bad.wav", "not audio")], report.Failed);
        Assert.Equal(["stray.wav"], report.Unlisted);
        Assert.False(report.Complete);
        Assert.Equal("file,status,error,segments,x,y\na.wav,ok,,2,0.125,1\nb.wav,ok,,3,0.5,0.25\nbad.wav,failed,not audio,0,,\n", File.ReadAllText(csv));

        var parquet = Path.Combine(scratch.Folder, "all.parquet");
        Assert.True(PartsMerge.Run([Path.Combine(parts, "part-1-of-2.00000.parquet")], scratch.Write("m2.txt", "a.wav\n"u8.ToArray()), parquet).Complete);
        var (readTags, rows, _) = TagPart.Read(parquet);
        Assert.Equal(tags, readTags);
        Assert.Equal([("a.wav", 2, 1f)], rows.Select(r => (r.File, r.Segments, r.Scores![1])));
    }
}
