using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Data;

public sealed class BatchLoaderTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();
    private readonly SegmentStore store;
    private static readonly SegmentPlan Plan = new(2187, null, 2187);

    public BatchLoaderTests()
    {
        StoreWriter.Prepare(MagnaTagATune.Load(MiniatureMtat.Root), scratch.Folder, MiniatureMtat.Options);
        store = SegmentStore.Open(scratch.Folder);
    }

    public void Dispose()
    {
        store.Dispose();
        scratch.Dispose();
    }

    [Fact]
    public void AnEpochVisitsEverySegmentOnceInASeededShuffledOrder()
    {
        var loader = new BatchLoader(store, Split.Train, Plan);
        Assert.Equal(5 * 10, loader.SegmentCount); // 5 readable train clips of 22050 samples: 10 segments of 2187 each
        var order = loader.Shuffled(epoch: 0, seed: 7);
        Assert.Equal(loader.SegmentCount, order.Distinct().Count());
        Assert.Equal(order, loader.Shuffled(0, 7));
        Assert.NotEqual(order, loader.Shuffled(1, 7));
        Assert.NotEqual(order, loader.Shuffled(0, 8));
        // Shuffled across clips, not clip by clip.
        Assert.True(order.Take(10).Select(p => p.Clip).Distinct().Count() > 1);
    }

    [Fact]
    public void BatchesHoldTheSegmentsAndTargetsOfTheirClips()
    {
        var loader = new BatchLoader(store, Split.Train, Plan);
        var batches = loader.Epoch(epoch: 0, batchSize: 23, seed: 7).ToList();
        Assert.Equal([23, 23, 4], batches.Select(b => b.Count));
        var order = loader.Shuffled(0, 7);
        var clips = store.ClipsOf(Split.Train).ToArray();

        var first = batches[0];
        var (clipIndex, segment) = order[0];
        var expected = new float[Plan.Length];
        store.ReadSegment(clips[clipIndex], segment, Plan, expected);
        Assert.Equal(expected, first.Samples.AsSpan(0, Plan.Length).ToArray());
        Assert.Equal(clips[clipIndex].Tags, Enumerable.Range(0, 50).Where(t => first.Targets[t] == 1));

        var (inputs, targets) = first.ToTensors();
        using (inputs)
        using (targets)
        {
            Assert.Equal([23L, 1, 2187], inputs.shape);
            Assert.Equal([23L, 50], targets.shape);
        }
    }

    [Fact]
    public void ALoneLastSegmentIsNotLeftAlone()
    {
        // 50 = 7 x 7 + 1: a last batch of one segment would leave BatchNorm one value per channel; the last 8 become
        // two batches of 4, none larger than 7, and every segment is still read once.
        var loader = new BatchLoader(store, Split.Train, Plan);
        var batches = loader.Epoch(0, 7, 7).ToList();
        Assert.Equal([7, 7, 7, 7, 7, 7, 4, 4], batches.Select(b => b.Count));
        Assert.Equal(8, loader.BatchCount(7));
        Assert.Equal(50, loader.Picks(0, 7, 7).SelectMany(p => p).Distinct().Count());
        Assert.Equal([23, 23, 4], loader.Epoch(0, 23, 7).Select(b => b.Count));
        Assert.Equal([25, 25], loader.Epoch(0, 49, 7).Select(b => b.Count));
        Assert.Equal([16, 32, 48, 50], BatchLoader.BatchEnds(50, 16)); // 2 left: nothing to split
        Assert.Equal([2, 4, 7], BatchLoader.BatchEnds(7, 2)); // halves of 3 would leave one alone: the three stay together
        Assert.Equal([1], BatchLoader.BatchEnds(1, 5));
        Assert.Empty(BatchLoader.BatchEnds(0, 5));
    }

    [Fact]
    public void AnEpochCanStartAtAnyBatch()
    {
        var loader = new BatchLoader(store, Split.Train, Plan);
        var whole = loader.Epoch(3, 7, 7).ToList();
        var tail = loader.Epoch(3, 7, 7, firstBatch: 4).ToList();
        Assert.Equal(whole.Skip(4).Select(b => b.Samples), tail.Select(b => b.Samples));
        Assert.Empty(loader.Epoch(3, 7, 7, firstBatch: 8));
    }

    [Fact]
    public void StoppingEarlyEndsTheBackgroundReader()
    {
        var loader = new BatchLoader(store, Split.Train, Plan);
        Assert.Single(loader.Epoch(0, 2, 7).Take(1));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => loader.Epoch(0, 2, 7, cancel.Token).ToList());
    }

    [Fact]
    public void EvaluationGoesClipByClipWithAllSegments()
    {
        var loader = new BatchLoader(store, Split.Test, SegmentPlan.Paper(6561));
        var clips = loader.ClipByClip().ToList();
        Assert.Equal(MiniatureMtat.Test, clips.Select(c => c.Clip.Id));
        Assert.All(clips, c => Assert.Equal(3, c.Count)); // 22050 samples hold 3 segments of 6561
        using var tensor = clips[0].ToTensor();
        Assert.Equal([3L, 1, 6561], tensor.shape);
        Assert.Equal(2, clips[0].Targets.Sum());
    }
}
