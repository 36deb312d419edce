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

    /// <summary>
    /// Batches per epoch. A last batch of a single segment joins the one before it (which then holds
    /// <paramref name="batchSize"/> + 1): BatchNorm in training mode cannot normalise one value per channel
    /// (the batch variance is undefined and the running variance turns NaN). Folding it in rather than
    /// dropping it (PyTorch's drop_last) keeps every segment in every epoch, as the authors' Keras fit does.
    /// </summary>
    public int BatchCount(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        int full = SegmentCount / batchSize, rest = SegmentCount % batchSize;
        return rest == 0 || (rest == 1 && full > 0) ? full : full + 1;
    }

    /// <summary>
    /// Batches of one epoch from batch <paramref name="firstBatch"/> on (a resumed epoch skips those it
    /// trained on); the order depends only on <paramref name="seed"/> and <paramref name="epoch"/>.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int batchSize, int seed, CancellationToken cancel = default, int firstBatch = 0)
    {
        int batches = BatchCount(batchSize);
        var order = Shuffled(epoch, seed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new BlockingCollection<Batch>(Prefetch);
        var producer = Task.Run(() =>
        {
            try
            {
                for (int b = firstBatch; b < batches && !stop.IsCancellationRequested; b++)
                {
                    int start = b * batchSize;
                    queue.Add(Assemble(order.AsSpan(start, b == batches - 1 ? order.Length - start : batchSize)), stop.Token);
                }
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

    /// <summary>(clip, segment) pairs of this split in a seeded random order.</summary>
    public (int Clip, int Segment)[] Shuffled(int epoch, int seed)
    {
        var pairs = clips.SelectMany((c, i) => Enumerable.Range(0, plan.SegmentsIn(c.Length)).Select(s => (i, s))).ToArray();
        new Random(Seeds.Derive(seed, epoch)).Shuffle(pairs); // not HashCode: it is randomised per process
        return pairs;
    }

    Batch Assemble(ReadOnlySpan<(int Clip, int Segment)> picks)
    {
        int length = plan.Length, tags = store.Vocabulary.Count;
        var samples = new float[picks.Length * length];
        var targets = new float[picks.Length * tags];
        for (int b = 0; b < picks.Length; b++)
        {
            var clip = clips[picks[b].Clip];
            store.ReadSegment(clip, picks[b].Segment, plan, samples.AsSpan(b * length, length));
            foreach (var t in clip.Tags) targets[b * tags + t] = 1;
        }
        return new Batch(samples, targets, picks.Length, length, tags);
    }

    /// <summary>Every clip of the split with all its segments, in index order.</summary>
    public IEnumerable<ClipSegments> ClipByClip()
    {
        foreach (var clip in clips)
        {
            int count = plan.SegmentsIn(clip.Length);
            var samples = new float[count * plan.Length];
            for (int s = 0; s < count; s++) store.ReadSegment(clip, s, plan, samples.AsSpan(s * plan.Length, plan.Length));
            var targets = new float[store.Vocabulary.Count];
            foreach (var t in clip.Tags) targets[t] = 1;
            yield return new ClipSegments(clip, samples, count, plan.Length, targets);
        }
    }
}
