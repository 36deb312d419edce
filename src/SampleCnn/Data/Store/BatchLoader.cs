using System.Collections.Concurrent;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Platform;

namespace SampleCnn.Data.Store;

/// <summary>
/// Reads one split of a store as model inputs. Training: every segment of every clip once per epoch,
/// shuffled across clips by a seeded permutation, assembled on a background thread a few batches ahead.
/// Evaluation: clip by clip with all of its segments.
/// </summary>
internal sealed class BatchLoader(SegmentStore store, Split split, SegmentPlan plan)
{
    const int Prefetch = 4;

    private readonly StoredClip[] clips = store.ClipsOf(split).ToArray();
    private int? segmentCount;

    public Split Split => split;
    public SegmentPlan Plan => plan;
    public int ClipCount => clips.Length;

    /// <summary>Segments per epoch.</summary>
    public int SegmentCount => segmentCount ??= clips.Sum(c => plan.SegmentsIn(c.Length));

    /// <summary>Batches per epoch (<see cref="BatchEnds"/>).</summary>
    public int BatchCount(int batchSize) => BatchEnds(SegmentCount, batchSize).Length;

    /// <summary>
    /// Where each batch of an epoch ends: every <paramref name="batchSize"/> segments, but a last batch of a single
    /// segment is not left alone (BatchNorm in training mode cannot normalise one value per channel: the batch
    /// variance is undefined and the running variance turns NaN). The last <paramref name="batchSize"/> + 1
    /// segments become two batches of about half, so every segment is seen in every epoch, as the authors' Keras
    /// fit does (PyTorch's drop_last would lose it), and no batch is larger than the first: training's tensors
    /// never outgrow the blocks <see cref="TensorBlockCache"/> keeps. With a batch size of 2 the three stay one batch.
    /// </summary>
    internal static int[] BatchEnds(int segments, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        var ends = new List<int>();
        for (int end = batchSize; end < segments; end += batchSize) ends.Add(end);
        if (segments > 0) ends.Add(segments);
        if (ends.Count >= 2 && segments - ends[^2] == 1)
        {
            if (batchSize >= 3) ends[^2] = segments - (batchSize + 1) / 2;
            else ends.RemoveAt(ends.Count - 2);
        }
        return [.. ends];
    }

    /// <summary>
    /// Batches of one epoch from batch <paramref name="firstBatch"/> on (a resumed epoch skips those it
    /// trained on); the order depends only on <paramref name="seed"/> and <paramref name="epoch"/>.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int batchSize, int seed, CancellationToken cancel = default, int firstBatch = 0)
    {
        var picks = Picks(epoch, batchSize, seed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new BlockingCollection<Batch>(Prefetch);
        var producer = Task.Run(() =>
        {
            try
            {
                for (int b = firstBatch; b < picks.Length && !stop.IsCancellationRequested; b++)
                    queue.Add(Assemble(picks[b]), stop.Token);
            }
            catch (OperationCanceledException) { }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancel)) yield return batch;
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
        }
        producer.GetAwaiter().GetResult();
    }

    /// <summary>The (clip, segment) pairs of each batch of an epoch, in order (<see cref="Epoch"/> reads these segments).</summary>
    public (int Clip, int Segment)[][] Picks(int epoch, int batchSize, int seed)
    {
        var order = Shuffled(epoch, seed);
        var ends = BatchEnds(order.Length, batchSize);
        return [.. ends.Select((end, b) => order[(b == 0 ? 0 : ends[b - 1])..end])];
    }

    /// <summary>Segments of each clip of the split, in index order (the clip numbers of <see cref="Shuffled"/>).</summary>
    public int[] SegmentsPerClip() => [.. clips.Select(c => plan.SegmentsIn(c.Length))];

    /// <summary>The picked segments' tag targets, [picks, tags] flat: 1 where the segment's clip has the tag.</summary>
    public float[] Targets(ReadOnlySpan<(int Clip, int Segment)> picks)
    {
        int tags = store.Vocabulary.Count;
        var targets = new float[picks.Length * tags];
        for (int b = 0; b < picks.Length; b++)
            foreach (var t in clips[picks[b].Clip].Tags) targets[b * tags + t] = 1;
        return targets;
    }

    /// <summary>(clip, segment) pairs of this split in a seeded random order.</summary>
    public (int Clip, int Segment)[] Shuffled(int epoch, int seed)
    {
        var pairs = clips.SelectMany((c, i) => Enumerable.Range(0, plan.SegmentsIn(c.Length)).Select(s => (i, s))).ToArray();
        new Random(Seeds.Derive(seed, epoch)).Shuffle(pairs); // not HashCode: it is randomised per process
        return pairs;
    }

    Batch Assemble(ReadOnlySpan<(int Clip, int Segment)> picks)
    {
        int length = plan.Length;
        var samples = new float[picks.Length * length];
        for (int b = 0; b < picks.Length; b++)
            store.ReadSegment(clips[picks[b].Clip], picks[b].Segment, plan, samples.AsSpan(b * length, length));
        return new Batch(samples, Targets(picks), picks.Length, length, store.Vocabulary.Count);
    }

    /// <summary>
    /// Every clip of the split with all its segments, in index order, from clip <paramref name="firstClip"/> on;
    /// without <paramref name="withSamples"/> the segments are counted, not read (their samples are empty).
    /// </summary>
    public IEnumerable<ClipSegments> ClipByClip(int firstClip = 0, bool withSamples = true)
    {
        foreach (var clip in clips.Skip(firstClip))
        {
            int count = plan.SegmentsIn(clip.Length);
            var samples = new float[withSamples ? count * plan.Length : 0];
            if (withSamples)
                for (int s = 0; s < count; s++) store.ReadSegment(clip, s, plan, samples.AsSpan(s * plan.Length, plan.Length));
            var targets = new float[store.Vocabulary.Count];
            foreach (var t in clip.Tags) targets[t] = 1;
            yield return new ClipSegments(clip, samples, count, plan.Length, targets);
        }
    }
}
