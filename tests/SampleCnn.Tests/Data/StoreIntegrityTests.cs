using System.Text.Json.Nodes;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Platform;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Data;

/// <summary>A store's index is checked when it is opened or resumed; a second writer is refused.</summary>
public class StoreIntegrityTests
{
    static string Index(string folder) => Path.Combine(folder, "index.jsonl");

    static void Prepare(string folder) => StoreWriter.Prepare(MagnaTagATune.Load(MiniatureMtat.Root), folder, MiniatureMtat.Options);

    /// <summary>Rewrites one line of the index (1-based) as JSON with <paramref name="edit"/> applied.</summary>
    static void EditLine(string folder, int line, Action<JsonObject> edit)
    {
        var lines = File.ReadAllLines(Index(folder));
        var json = JsonNode.Parse(lines[line - 1])!.AsObject();
        edit(json);
        lines[line - 1] = json.ToJsonString();
        File.WriteAllText(Index(folder), string.Join('\n', lines) + "\n");
    }

    static void ReplaceLine(string folder, int line, string text)
    {
        var lines = File.ReadAllLines(Index(folder));
        lines[line - 1] = text;
        File.WriteAllText(Index(folder), string.Join('\n', lines) + "\n");
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "offset past the samples", "line 4: offset" },
        { "length past the samples", "line 11: samples" },
        { "negative offset", "line 4: offset" },
        { "negative length", "line 4: length" },
        { "overlapping clips", "line 5: offset" },
        { "tag past the vocabulary", "line 2: tag 50" },
        { "negative tag", "line 2: tag -1" },
        { "unknown split", "line 5: " },
        { "numeric split", "line 5: split" },
        { "not JSON", "line 6: " },
        { "empty line", "line 6: empty line" },
        { "no id", "line 7: no id" },
        { "torn last line", "line 11: cut short" },
        { "a line too many", "line 12: offset" }, // what two prepares writing one store left
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void ACorruptIndexIsAOneLineErrorNamingTheStoreAndLine(string corruption, string expected)
    {
        using var scratch = new Fixtures.Scratch();
        Prepare(scratch.Folder);
        // Index lines: clips 2, 6, 10 (the zero-byte one, skipped), 14, 22, 26, 30, 34, 38, 42, 46.
        switch (corruption)
        {
            case "offset past the samples": EditLine(scratch.Folder, 4, j => j["offset"] = 1L << 40); break;
            case "length past the samples": EditLine(scratch.Folder, 11, j => j["length"] = (long)j["length"]! + 1); break;
            case "negative offset": EditLine(scratch.Folder, 4, j => j["offset"] = -4); break;
            case "negative length": EditLine(scratch.Folder, 4, j => j["length"] = -4); break;
            case "overlapping clips": EditLine(scratch.Folder, 5, j => j["offset"] = (long)j["offset"]! - 100); break;
            case "tag past the vocabulary": EditLine(scratch.Folder, 2, j => j["tags"] = new JsonArray(1, 50)); break;
            case "negative tag": EditLine(scratch.Folder, 2, j => j["tags"] = new JsonArray(-1)); break;
            case "unknown split": EditLine(scratch.Folder, 5, j => j["split"] = "holdout"); break;
            case "numeric split": EditLine(scratch.Folder, 5, j => j["split"] = 7); break;
            case "not JSON": ReplaceLine(scratch.Folder, 6, "{\"id\":\"26\",\"split\":tr"); break;
            case "empty line": ReplaceLine(scratch.Folder, 6, ""); break;
            case "no id": EditLine(scratch.Folder, 7, j => j.Remove("id")); break;
            case "torn last line":
                var text = File.ReadAllText(Index(scratch.Folder));
                File.WriteAllText(Index(scratch.Folder), text[..^20]);
                break;
            case "a line too many":
                File.AppendAllLines(Index(scratch.Folder), [File.ReadLines(Index(scratch.Folder)).Last()]);
                break;
        }
        var error = Assert.Throws<DatasetException>(() => SegmentStore.Open(scratch.Folder).Dispose());
        Assert.StartsWith(Index(scratch.Folder), error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AnIndexEditedIntoAnotherValidStoreIsCaughtByTheManifestChecksum()
    {
        using var scratch = new Fixtures.Scratch();
        Prepare(scratch.Folder);
        EditLine(scratch.Folder, 2, j => j["tags"] = new JsonArray(0, 1, 2));
        var error = Assert.Throws<DatasetException>(() => SegmentStore.Open(scratch.Folder).Dispose());
        Assert.Contains("index.jsonl", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void ACorruptManifestIsAOneLineError()
    {
        using var scratch = new Fixtures.Scratch();
        Prepare(scratch.Folder);
        File.WriteAllText(Path.Combine(scratch.Folder, StoreManifest.FileName), "{\"version\": 1, \"tags\": nu");
        var error = Assert.Throws<DatasetException>(() => SegmentStore.Open(scratch.Folder).Dispose());
        Assert.StartsWith(Path.Combine(scratch.Folder, StoreManifest.FileName), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ResumingOverACorruptIndexNamesTheLineInsteadOfTrustingIt()
    {
        using var scratch = new Fixtures.Scratch();
        Prepare(scratch.Folder);
        File.Delete(Path.Combine(scratch.Folder, StoreManifest.FileName));
        EditLine(scratch.Folder, 4, j => j["tags"] = new JsonArray(77));
        var error = Assert.Throws<DatasetException>(() => Prepare(scratch.Folder));
        Assert.Contains($"{Index(scratch.Folder)}: line 4: tag 77", error.Message);
    }

    [Fact]
    public void ResumingWhenTheSamplesAreShorterThanTheIndexSaysIsRefusedNotZeroFilled()
    {
        using var scratch = new Fixtures.Scratch();
        Prepare(scratch.Folder);
        File.Delete(Path.Combine(scratch.Folder, StoreManifest.FileName));
        var samples = Path.Combine(scratch.Folder, "samples.i16");
        using (var file = new FileStream(samples, FileMode.Open)) file.SetLength(file.Length - 1000);
        var error = Assert.Throws<DatasetException>(() => Prepare(scratch.Folder));
        Assert.StartsWith(Index(scratch.Folder), error.Message);
        Assert.Contains("samples.i16", error.Message);
    }

    [Fact]
    public void ASecondPrepareOnTheSameStoreIsRefusedAndTheLockLeavesTheStoreReadable()
    {
        using var scratch = new Fixtures.Scratch();
        using (WriterLock.Acquire(scratch.Folder, "store")) // another writer holds the store (the lock leaves .lock in the folder)
        {
            var error = Assert.Throws<IOException>(() => Prepare(scratch.Folder));
            Assert.Contains("another process is writing to this store", error.Message);
            Assert.False(File.Exists(Index(scratch.Folder)));
        }
        Prepare(scratch.Folder); // a folder holding only a released .lock is still new
        using var store = SegmentStore.Open(scratch.Folder);
        Assert.Equal(10, store.Clips.Count);
        Assert.True(File.Exists(Path.Combine(scratch.Folder, WriterLock.FileName)));
    }

    [Fact]
    public void ATemporaryRequestLeftByAKillDoesNotMakeTheFolderForeign()
    {
        using var scratch = new Fixtures.Scratch();
        scratch.Write("prepare.json.tmp", "{\"sou"u8.ToArray());
        Prepare(scratch.Folder);
        using var store = SegmentStore.Open(scratch.Folder);
        Assert.Equal(10, store.Clips.Count);
        Assert.False(File.Exists(Path.Combine(scratch.Folder, "prepare.json.tmp")));
    }
}
