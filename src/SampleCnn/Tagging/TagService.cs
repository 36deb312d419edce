using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// `serve`: one opened model tagging one uploaded file at a time. The network is not safe to share between threads,
/// so requests take turns behind one gate; when more than <see cref="Queue"/> already wait, a request is refused at
/// once (null from <see cref="TagAsync"/>) rather than left to pile up.
/// </summary>
public sealed class TagService : IDisposable
{
    readonly TrainedModel model;
    readonly Tagger tagger;
    int waiting;
    long segmentsTagged;

    TagService(TrainedModel model, Tagger tagger, int queue, long? parameters, IReadOnlyList<float>? thresholds, TagThresholds? tuned)
    {
        this.model = model;
        this.tagger = tagger;
        Queue = queue;
        Parameters = parameters;
        Thresholds = thresholds;
        Tuned = tuned;
        Protocol = TagProtocol.Of(tagger);
    }

    /// <param name="queue">How many requests may wait for the model while it tags another; more are refused.</param>
    /// <param name="decide">How scores become yes/no tags; null: by the thresholds tuned for the model when it has them, else scores only.</param>
    public static TagService Open(string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, Device device, int queue, TagDecision? decide = null)
    {
        if (queue < 0) throw new OptionException(nameof(queue), "queue length", queue, "must be at least 0");
        var model = TrainedModel.Open(modelPath, modelOptions, device);
        try
        {
            var parameters = model.Cnn?.parameters().Sum(p => p.numel()); // counted before the tagger folds BatchNorm away, as inspect-model counts
            var (thresholds, tuned) = (decide ?? (model.Thresholds is null ? null : TagDecision.Tuned))?.For(model) ?? default;
            return new TagService(model, TaggingSession.TaggerFor(model, device, options), queue, parameters, thresholds, tuned);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model serving.</summary>
    public ModelInfo Model => model.Info;

    /// <summary>The model's tags, in the order of every result's scores.</summary>
    public IReadOnlyList<string> Tags => model.Tags;

    /// <summary>Trainable parameters of a SampleCnn network; null for TorchScript.</summary>
    public long? Parameters { get; }

    public int Queue { get; }

    /// <summary>What the scores mean: how a file is cut into segments and their scores pooled.</summary>
    public TagProtocol Protocol { get; }

    /// <summary>Each tag's threshold, in the order of <see cref="Tags"/>, when results carry yes/no decisions; else null.</summary>
    public IReadOnlyList<float>? Thresholds { get; }

    /// <summary>The tuned thresholds deciding, with where they came from; null when none are used.</summary>
    public TagThresholds? Tuned { get; }

    /// <summary>Requests waiting for the model now.</summary>
    public int QueueDepth => Volatile.Read(ref waiting);

    /// <summary>Segments tagged since the service opened (a counter: its rate is segments per second).</summary>
    public long SegmentsTagged => Interlocked.Read(ref segmentsTagged);

    /// <summary>The gate the model sits behind (tests hold it to fill the queue).</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Tags one audio file; null when the queue is full. A file that cannot be decoded comes back <see cref="FileTags.Failed"/>.</summary>
    public async Task<FileTags?> TagAsync(string file, CancellationToken cancel = default)
    {
        if (Interlocked.Increment(ref waiting) > Queue && Gate.CurrentCount == 0)
        {
            Interlocked.Decrement(ref waiting);
            return null;
        }
        try
        {
            await Gate.WaitAsync(cancel);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
        try
        {
            var result = tagger.Tag([file], cancel).Single();
            Interlocked.Add(ref segmentsTagged, result.Segments);
            return Thresholds is null ? result : result with { Thresholds = Thresholds };
        }
        finally
        {
            Gate.Release();
        }
    }

    public void Dispose()
    {
        tagger.Dispose();
        model.Dispose();
        Gate.Dispose();
    }
}
