using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Data;

public class SegmentStoreTests
{
    static readonly string[] StoreFiles = [StoreManifest.FileName, "index.jsonl", "samples.i16", "prepare.json"];

    static PrepareReport PrepareMtat(string folder, PrepareOptions? options = null, IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default) =>
        StoreWriter.Prepare(MagnaTagATune.Load(MiniatureMtat.Root), folder, options ?? MiniatureMtat.Options, progress, cancel);

    static void AssertSameStore(string expected, string actual)
    {
        foreach (var file in StoreFiles)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
    }

    [Fact]
    public void MiniatureMtatPreparesToTheRightSplitsTagsAndSamples()
    {
        using var scratch = new Fixtures.Scratch();
        var report = PrepareMtat(scratch.Folder);
        Assert.Equal(10, report.Manifest.Clips);
        Assert.Equal(1, report.Manifest.Skipped);
        var unreadable = report.Unreadable.Single();
        Assert.Contains("artist_c-album_c-03-empty", unreadable.Item);
        Assert.Contains("empty file (0 bytes)", unreadable.Reason);

        using var store = SegmentStore.Open(scratch.Folder);
        Assert.Equal(TagVocabulary.MtatPaperTop50, store.Vocabulary.Tags);
        Assert.Equal(MiniatureMtat.Train.Where(id => id != MiniatureMtat.ZeroByteClip), store.ClipsOf(Split.Train).Select(c => c.Id));
        Assert.Equal(MiniatureMtat.Valid, store.ClipsOf(Split.Valid).Select(c => c.Id));
        Assert.Equal(MiniatureMtat.Test, store.ClipsOf(Split.Test).Select(c => c.Id));
        Assert.Equal(new[] { "sitar", "indian" }.Select(t => store.Vocabulary[t]).Order(), store.Clips.Single(c => c.Id == "38").Tags);

        foreach (var clip in store.Clips)
        {
            var decoded = AudioReader.Load(clip.Source, 22050, 22050).Samples;
            Assert.Equal(decoded.Length, clip.Length);
            var stored = new float[clip.Length];
            store.Read(clip, 0, stored);
            for (int i = 0; i < stored.Length; i++) Assert.True(Math.Abs(stored[i] - decoded[i]) <= 1f / 65536 + 1e-7f);
        }
        Assert.Equal(store.Clips.Sum(c => c.Length), store.Manifest.Samples);
    }

    [Fact]
    public void SegmentsReadFromTheStoreEqualThoseCutFromTheAudio()
    {
        using var scratch = new Fixtures.Scratch();
        PrepareMtat(scratch.Folder);
        using var store = SegmentStore.Open(scratch.Folder);
        foreach (var plan in new[] { new SegmentPlan(2187, null, 2187), new SegmentPlan(6561, 2, 1000), SegmentPlan.Paper(59049) })
        {
            var clip = store.Clips[3];
            var expected = Segmenter.Cut(new Waveform(Quantised(store, clip), 22050), plan).ToList();
            Assert.Equal(expected.Count, plan.SegmentsIn(clip.Length));
            var segment = new float[plan.Length];
            for (int s = 0; s < expected.Count; s++)
            {
                store.ReadSegment(clip, s, plan, segment);
                Assert.Equal(expected[s].Samples, segment);
            }
        }
    }

    static float[] Quantised(SegmentStore store, StoredClip clip)
    {
        var samples = new float[clip.Length];
        store.Read(clip, 0, samples);
        return samples;
    }

    [Fact]
    public void TheStoreIsTheSameForAnyNumberOfWorkers()
    {
        using var one = new Fixtures.Scratch();
        using var four = new Fixtures.Scratch();
        PrepareMtat(one.Folder, MiniatureMtat.Options with { Workers = 1 });
        PrepareMtat(four.Folder, MiniatureMtat.Options with { Workers = 4 });
        AssertSameStore(one.Folder, four.Folder);
    }

    [Fact]
    public void AnInterruptedPrepareContinuesToTheSameStore()
    {
        using var whole = new Fixtures.Scratch();
        using var interrupted = new Fixtures.Scratch();
        PrepareMtat(whole.Folder);

        using (var cancel = new CancellationTokenSource())
        {
            var progress = new SynchronousProgress(p => { if (p.Done == 4) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => PrepareMtat(interrupted.Folder, progress: progress, cancel: cancel.Token));
        }
        Assert.Throws<DatasetException>(() => SegmentStore.Open(interrupted.Folder)); // unfinished
        Assert.Equal(4, File.ReadAllLines(Path.Combine(interrupted.Folder, "index.jsonl")).Length);

        // As if killed mid-write: half an index line and samples of a clip that was never indexed.
        File.AppendAllText(Path.Combine(interrupted.Folder, "index.jsonl"), "{\"id\":\"22\",\"spl");
        using (var samples = new FileStream(Path.Combine(interrupted.Folder, "samples.i16"), FileMode.Append)) samples.Write(new byte[5000]);

        var report = PrepareMtat(interrupted.Folder);
        Assert.Equal(4, report.Resumed);
        AssertSameStore(whole.Folder, interrupted.Folder);
    }

    [Fact]
    public void AFolderHoldingOtherDataIsRefused()
    {
        using var scratch = new Fixtures.Scratch();
        PrepareMtat(scratch.Folder);
        var error = Assert.Throws<DatasetException>(() => PrepareMtat(scratch.Folder, MiniatureMtat.Options with { MaxClipSamples = 1000 }));
        Assert.Contains("other data or options", error.Message);

        using var busy = new Fixtures.Scratch();
        busy.Write("notes.txt", [1]);
        Assert.Contains("not empty", Assert.Throws<DatasetException>(() => PrepareMtat(busy.Folder)).Message);
    }

    [Fact]
    public void ARepeatedPrepareOfAFinishedStoreChangesNothing()
    {
        using var scratch = new Fixtures.Scratch();
        PrepareMtat(scratch.Folder);
        var before = StoreFiles.Select(f => File.ReadAllBytes(Path.Combine(scratch.Folder, f))).ToList();
        var report = PrepareMtat(scratch.Folder);
        Assert.Equal(11, report.Resumed);
        Assert.Equal(before, StoreFiles.Select(f => File.ReadAllBytes(Path.Combine(scratch.Folder, f))));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the tests need the callback before the next clip.</summary>
    sealed class SynchronousProgress(Action<PrepareProgress> report) : IProgress<PrepareProgress>
    {
        public void Report(PrepareProgress value) => report(value);
    }
}
