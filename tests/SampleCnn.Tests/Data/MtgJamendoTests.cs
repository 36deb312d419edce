using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Data;

public class MtgJamendoTests
{
    const string Header = "TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS";

    /// <summary>
    /// A miniature of the dataset's layout: splits/split-0 and split-1 with the three top-50 files, and an
    /// audio folder of two-digit folders (WAVs of <paramref name="seconds"/> s at 8 kHz, and one MP3).
    /// track_0000004 has no audio file.
    /// </summary>
    public static (string Splits, string Audio) Create(string folder, double seconds = 0.5)
    {
        var audio = Path.Combine(folder, "audio");
        foreach (var (path, hz) in new[] { ("00/1.wav", 220.0), ("00/2.wav", 440.0), ("34/2634.wav", 880.0) })
        {
            Directory.CreateDirectory(Path.Combine(audio, Path.GetDirectoryName(path)!));
            var samples = Enumerable.Range(0, (int)(seconds * 8000)).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * hz * n / 8000))).ToArray();
            WavWriter.WriteMono16(Path.Combine(audio, path), samples, 8000);
        }
        Directory.CreateDirectory(Path.Combine(audio, "55"));
        File.Copy(Fixtures.PathOf("mtat-like-16k-mono.mp3"), Path.Combine(audio, "55", "55.mp3"));

        var splits = Path.Combine(folder, "splits");
        Write(Path.Combine(splits, "split-0"),
            train: ["track_0000001\tartist_1\talbum_1\t00/1.wav\t0.5\tgenre---rock\tinstrument---guitar",
                    "track_0002634\tartist_000379\talbum_000412\t34/2634.wav\t62.4\tgenre---folk\tgenre---instrumentalpop"],
            validation: ["track_0000002\tartist_2\talbum_2\t00/2.wav\t0.5\tmood/theme---happy\tgenre---rock\t"],
            test: ["track_0000055\tartist_5\talbum_5\t55/55.mp3\t3.0\tgenre---folk", "track_0000004\tartist_4\talbum_4\t00/4.mp3\t200.1\tgenre---rock"]);
        Write(Path.Combine(splits, "split-1"),
            train: ["track_0000002\tartist_2\talbum_2\t00/2.wav\t0.5\tgenre---rock"],
            validation: ["track_0000001\tartist_1\talbum_1\t00/1.wav\t0.5\tgenre---rock"],
            test: ["track_0000055\tartist_5\talbum_5\t55/55.mp3\t3.0\tgenre---folk"]);
        return (splits, audio);
    }

    static void Write(string folder, string[] train, string[] validation, string[] test)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, rows) in new[] { ("train", train), ("validation", validation), ("test", test) })
            File.WriteAllLines(Path.Combine(folder, $"autotagging_top50tags-{name}.tsv"), [Header, .. rows]);
    }

    [Fact]
    public void ReadsTheTop50FilesOfASplitWithTagsInSortedOrder()
    {
        using var scratch = new Fixtures.Scratch();
        var (splits, audio) = Create(scratch.Folder);
        var listing = MtgJamendo.Load(splits, audio);
        Assert.Equal("jamendo", listing.Source);
        // Ordinal order, as Won et al.'s Jamendo checkpoints order their outputs.
        Assert.Equal(["genre---folk", "genre---instrumentalpop", "genre---rock", "instrument---guitar", "mood/theme---happy"], listing.Vocabulary.Tags);
        Assert.Equal([("track_0000001", Split.Train), ("track_0002634", Split.Train), ("track_0000002", Split.Valid), ("track_0000055", Split.Test)],
            listing.Clips.Select(c => (c.Id, c.Split)));
        Assert.Equal([2, 3], listing.Clips[0].Tags);
        Assert.Equal([2, 4], listing.Clips[2].Tags);   // a trailing tab adds no tag
        Assert.EndsWith(Path.Combine("34", "2634.wav"), listing.Clips[1].AudioPath);
        Assert.Equal(new SkippedItem("00/4.mp3", "audio file not found"), listing.Skipped.Single());

        // Another split, and the files given directly.
        Assert.Equal([("track_0000002", Split.Train), ("track_0000001", Split.Valid), ("track_0000055", Split.Test)],
            MtgJamendo.Load(splits, audio, split: 1).Clips.Select(c => (c.Id, c.Split)));
        Assert.Equal(4, MtgJamendo.Load(Path.Combine(splits, "split-0"), audio, split: 3).Clips.Count);
        var missing = Assert.Throws<DatasetException>(() => MtgJamendo.Load(splits, audio, split: 2));
        Assert.Equal($"{splits}: no autotagging_top50tags-train.tsv in it or in its split-2 folder", missing.Message);
    }

    [Theory]
    [InlineData("track_0000009\tartist_9\talbum_9\t00/1.wav\t0.5", "line 3: expected a track id, artist, album, path, duration and at least one tag, tab-separated; found 5 field(s)")]
    [InlineData("track_0000009 artist_9 album_9 00/1.wav 0.5 genre---rock", "line 3: expected a track id")]
    public void AMalformedRowIsAOneLineErrorNamingFileAndLine(string row, string expected)
    {
        using var scratch = new Fixtures.Scratch();
        var (splits, audio) = Create(scratch.Folder);
        var file = Path.Combine(splits, "split-0", "autotagging_top50tags-validation.tsv");
        File.AppendAllLines(file, [row]);
        var error = Assert.Throws<DatasetException>(() => MtgJamendo.Load(splits, audio));
        Assert.StartsWith($"{file}: {expected}", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        File.WriteAllLines(file, ["TRACK_ID,PATH,TAGS"]);
        Assert.Equal($"{file}: line 1: expected the tab-separated header TRACK_ID ARTIST_ID ALBUM_ID PATH DURATION TAGS",
            Assert.Throws<DatasetException>(() => MtgJamendo.Load(splits, audio)).Message);
    }

    [Fact]
    public void PreparesAStoreOfWholeTracks()
    {
        using var scratch = new Fixtures.Scratch();
        var (splits, audio) = Create(scratch.Folder);
        var storeFolder = Path.Combine(scratch.Folder, "store");
        StoreWriter.Prepare(MtgJamendo.Load(splits, audio), storeFolder, new PrepareOptions(MaxClipSamples: null));
        using var store = SegmentStore.Open(storeFolder);
        Assert.Equal(["track_0000001", "track_0002634"], store.ClipsOf(Split.Train).Select(c => c.Id));
        Assert.Equal(11025, store.ClipsOf(Split.Valid).Single().Length);   // 0.5 s at 22,050 Hz
        Assert.Equal(5, store.Vocabulary.Count);
    }

    [Fact]
    public void WholeTracksAreStreamedNotHeldInMemory()
    {
        using var scratch = new Fixtures.Scratch();
        var (splits, audio) = Create(scratch.Folder, seconds: 120);
        var storeFolder = Path.Combine(scratch.Folder, "store");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        StoreWriter.Prepare(MtgJamendo.Load(splits, audio), storeFolder, new PrepareOptions(MaxClipSamples: null, Workers: 2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        using var store = SegmentStore.Open(storeFolder);
        const long trackSamples = 120 * 22050;
        Assert.Equal(trackSamples, store.ClipsOf(Split.Valid).Single().Length);
        // Held whole (a growing list of floats, its copy, the int16s), the three tracks took 154 MB of allocations;
        // streamed, all of prepare allocates less than one track's floats (8.1 MB measured).
        Assert.True(allocated < trackSamples * sizeof(float), $"allocated {allocated:N0} bytes");
        Assert.Empty(Directory.EnumerateFiles(storeFolder, ".decoding-*"));
    }
}
