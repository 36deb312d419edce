using System.Collections.Concurrent;
using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// Tags audio files with a trained model: a background thread decodes and cuts the files into segments
/// (one file ahead of the network, a bounded queue, so a long file never sits in memory whole), and the
/// network scores segments in batches gathered across files, with BatchNorm folded into the convolutions
/// and under inference mode. Results come back in the order of the files. The same path gives any per-segment
/// output of fixed width (<see cref="Run"/>): tag scores, or a layer's features for embeddings.
/// </summary>
internal sealed class Tagger : IDisposable
{
    private readonly nn.IModule<Tensor, Tensor> network;
    private readonly IReadOnlyList<string>? tags;
    private readonly int outputs;
    private readonly Device device;
    private readonly TaggerOptions options;

    /// <param name="model">A trained model; it is switched to eval mode and folded (libtorch), written to ONNX Runtime, or folded into the Winograd engine.</param>
    public Tagger(TaggingCnn model, IReadOnlyList<string> tags, Device device, TaggerOptions? options = null)
        : this(Prepare(model, options ?? new TaggerOptions()), (int)model.Spec.InputSamples, model.Spec.SampleRate,
            tags.Count + (options?.Embedding == true ? ScoresAndEmbedding.Width : 0), device, options)
    {
        this.tags = tags;
        if (network is OnnxRuntimeNetwork ours) owned = ours;
    }

    /// <summary>A network this tagger made (ONNX Runtime's session), freed with it.</summary>
    private readonly IDisposable? owned;

    /// <param name="network">Any module mapping [batch, 1, segmentSamples] waveforms to [batch, tags] sigmoid scores (e.g. TorchScript).</param>
    /// <param name="sampleRate">The rate the network reads audio at: every file is decoded and resampled to it.</param>
    public Tagger(nn.IModule<Tensor, Tensor> network, int segmentSamples, int sampleRate, IReadOnlyList<string> tags, Device device, TaggerOptions? options = null)
        : this(network, segmentSamples, sampleRate, tags.Count, device, options) => this.tags = tags;

    /// <param name="network">Any module mapping [batch, 1, segmentSamples] waveforms to [batch, outputs]; such a tagger gives <see cref="Run"/>, not tags.</param>
    public Tagger(nn.IModule<Tensor, Tensor> network, int segmentSamples, int sampleRate, int outputs, Device device, TaggerOptions? options = null)
    {
        this.network = network;
        this.outputs = outputs;
        SegmentSamples = segmentSamples;
        SampleRate = sampleRate;
        this.device = device;
        this.options = options ?? new TaggerOptions();
        if (this.options.BatchSize < 1) throw new OptionException(nameof(TaggerOptions.BatchSize), "batch size", this.options.BatchSize, "must be at least 1");
        if (this.options.Engine != TaggerEngine.Torch && network is not (OnnxRuntimeNetwork or WinogradNetwork or LayerFeatures { Engine: not TaggerEngine.Torch }))
            throw new OptionException(nameof(TaggerOptions.Engine), "engine", EngineName, $"{EngineText} runs the tag scores of a SampleCnn network (a run, checkpoint or state_dict); this runs on libtorch");
        if (this.options.Embedding && network is not (ScoresAndEmbedding or WinogradNetwork { Embedding: true } or OnnxRuntimeNetwork { Embedding: true }))
            throw new OptionException(nameof(TaggerOptions.Embedding), "embedding", null, "needs a SampleCnn network (a run, checkpoint or state_dict)");
        if (this.options.Int8Store is not null && this.options.Engine != TaggerEngine.Onnx)
            throw new OptionException(nameof(TaggerOptions.Int8Store), "int8 precision", this.options.Int8Store, "runs on the ONNX Runtime engine; libtorch runs fp32 or bf16");
        if (this.options.Engine != TaggerEngine.Torch && this.options.BFloat16)
            throw new OptionException(nameof(TaggerOptions.Engine), "engine", EngineName, $"{EngineText} runs fp32 here: bf16 precision is libtorch's");
        if (network is nn.Module module)
        {
            module.eval();
            module.to(device);
            if (this.options.BFloat16) module.to(ScalarType.BFloat16);
        }
    }

    static nn.IModule<Tensor, Tensor> Prepare(TaggingCnn model, TaggerOptions options)
    {
        if (options.Engine == TaggerEngine.Onnx)
            return new OnnxRuntimeNetwork(model, get_num_threads(), options.Int8Store is { } store ? Int8Calibration.Ranges(model, store) : null, embedding: options.Embedding);
        if (options.Engine == TaggerEngine.Winograd) return new WinogradNetwork(model, get_num_threads(), embedding: options.Embedding);
        if (options.Embedding)
        {
            model.FoldBatchNorm();
            return new ScoresAndEmbedding(model);
        }
        model.FoldBatchNorm();
        return model;
    }

    public void Dispose() => owned?.Dispose();

    string EngineName => options.Engine.ToString().ToLowerInvariant();

    string EngineText => options.Engine == TaggerEngine.Onnx ? "ONNX Runtime" : "the Winograd engine";

    public int SegmentSamples { get; }

    public int SampleRate { get; }

    /// <summary>How files are cut: every whole segment, or the first <see cref="TaggerOptions.SegmentsPerFile"/>.</summary>
    public SegmentPlan Plan => options.SegmentsPerFile is { } count ? SegmentPlan.Paper(SegmentSamples) with { Count = count } : SegmentPlan.All(SegmentSamples);

    /// <summary>What decoding one file found: the segments it cut (all handed on), whether the one was padded, why it failed or
    /// what a damaged file lost, and whether it ran past the samples allowed (decoding then stopped, that segment not handed on).</summary>
    internal sealed record Decoded(int Segments, bool Padded, string? Error, string? Recovered, bool TooLong = false);

    /// <summary>A file on its way through the network: its segments' outputs, appended as batches score them, and what decoding found once it ends.</summary>
    internal sealed class Pending(string path)
    {
        public string Path { get; } = path;
        public List<float> Values { get; } = [];
        public int Scored { get; private set; }
        public Decoded? Decoded { get; set; }
        public bool Complete => Decoded is { } d && Scored == d.Segments;

        public void Add(ReadOnlySpan<float> row)
        {
            Values.AddRange(row);
            Scored++;
        }
    }

    internal abstract record Item;
    /// <summary>One segment of a file, waiting for a batch.</summary>
    internal sealed record Piece(Pending File, float[] Samples) : Item;
    /// <summary>A file's last item: what decoding it found, and where it stands among the files.</summary>
    sealed record End(int Index, Pending File, Decoded Decoded) : Item;

    public IEnumerable<FileTags> Tag(IReadOnlyList<string> files, CancellationToken cancel = default) => Run(files, cancel).Select(TagsOf);

    /// <summary>A file's tags from its segments' outputs: the clip's scores are the mean of the segments'; outputs past the tags are the embedding, its mean the file's.</summary>
    internal FileTags TagsOf(SegmentOutputs o)
    {
        var names = tags ?? throw new InvalidOperationException("this tagger was built for features, not tags");
        return o.Width == names.Count
            ? new FileTags(o.Path, names, o.Mean(), o.Values, o.Segments, o.SegmentSeconds, o.HopSeconds, o.Padded, o.Error, o.Recovered)
            : WithEmbedding(o, names);
    }

    /// <summary>Each segment's row is its scores then its embedding: the file's tags, and the embedding's mean over the segments.</summary>
    static FileTags WithEmbedding(SegmentOutputs o, IReadOnlyList<string> names)
    {
        int t = names.Count;
        var scores = new float[o.Failed ? 0 : o.Segments * t];
        for (int s = 0; s < o.Segments && !o.Failed; s++) o.Values.AsSpan(s * o.Width, t).CopyTo(scores.AsSpan(s * t));
        var mean = o.Mean();
        return new FileTags(o.Path, names, o.Failed ? [] : mean[..t], scores, o.Segments, o.SegmentSeconds, o.HopSeconds, o.Padded, o.Error, o.Recovered)
            { Embedding = o.Failed ? null : mean[t..] };
    }

    /// <summary>Each file's per-segment outputs, in the order of the files, each as soon as its last segment has been through the network.</summary>
    public IEnumerable<SegmentOutputs> Run(IReadOnlyList<string> files, CancellationToken cancel = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new BlockingCollection<Item>(2 * options.BatchSize);
        var producer = Task.Run(() => Decode(files, queue, stop.Token));
        var pending = new List<Pending?>(); // by file, known once decoded; emitted ones let go of
        int emitted = 0;
        var batch = new List<Piece>(options.BatchSize);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable(stop.Token))
            {
                // Full batches only (the last one excepted): the decoder fills the next while the network runs.
                if (item is Piece piece)
                {
                    batch.Add(piece);
                    if (batch.Count == options.BatchSize) Score(batch);
                }
                else if (item is End end)
                {
                    while (pending.Count <= end.Index) pending.Add(null);
                    (pending[end.Index] = end.File).Decoded = end.Decoded;
                }
                // A file is complete once all its segments are scored; results go out in file order.
                for (; emitted < pending.Count && pending[emitted] is { Complete: true } file; emitted++)
                {
                    pending[emitted] = null;
                    yield return OutputsOf(file);
                }
            }
            if (batch.Count > 0) Score(batch);
            for (; emitted < pending.Count; emitted++) yield return OutputsOf(pending[emitted]!);
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
        }
        producer.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Decodes the files into the queue on <see cref="TaggerOptions.EffectiveDecodeThreads"/> threads, each taking the next
    /// file not yet taken: pieces of several files may interleave (each carries its file), results still go out in file order.
    /// </summary>
    void Decode(IReadOnlyList<string> files, BlockingCollection<Item> queue, CancellationToken cancel)
    {
        int next = -1;
        try
        {
            var decoders = Enumerable.Range(0, Math.Min(options.EffectiveDecodeThreads, Math.Max(1, files.Count)))
                .Select(_ => Task.Run(() =>
                {
                    for (int f; (f = Interlocked.Increment(ref next)) < files.Count;)
                    {
                        var file = new Pending(files[f]);
                        queue.Add(new End(f, file, DecodeFile(file.Path, samples => queue.Add(new Piece(file, samples), cancel), cancel)), cancel);
                    }
                }, cancel))
                .ToArray();
            Task.WaitAll(decoders, cancel);
        }
        catch (OperationCanceledException) { }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException)) { }
        catch (AggregateException e) // the decoder's own fault, as one decoder alone would have thrown it
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions.First(x => x is not OperationCanceledException)).Throw();
        }
        finally { queue.CompleteAdding(); }
    }

    /// <summary>
    /// Decodes one file at the network's rate and cuts it by <see cref="Plan"/>, handing each segment to <paramref name="add"/> as it
    /// is cut, so at most one segment's samples are held here. Past <paramref name="maxSamples"/> samples it stops and says so.
    /// A file that cannot be decoded, even part way, comes back with its error: the other files go on.
    /// </summary>
    internal Decoded DecodeFile(string path, Action<float[]> add, CancellationToken cancel, long maxSamples = long.MaxValue)
    {
        int segments = 0;
        bool padded = false;
        try
        {
            using var reader = new AudioReader(path, SampleRate, cancel);
            foreach (var segment in Segmenter.Cut(reader.Read, Plan))
            {
                if (reader.SamplesRead > maxSamples) return new Decoded(segments, padded, null, null, TooLong: true);
                add(segment.Samples);
                segments++;
                padded |= segment.Padded;
            }
            if (reader.SamplesRead > maxSamples) return new Decoded(segments, padded, null, null, TooLong: true); // the tail past the last whole segment
            return segments == 0
                ? new Decoded(0, false, AudioDamage.NoAudio(reader.Damage), null)
                : new Decoded(segments, padded, null, reader.Damage?.Describe((double)reader.SamplesRead / reader.SampleRate));
        }
        catch (Exception e) when (AudioDecodeException.IsPerFile(e)) // a failure part way fails the file; the others go on
        {
            return new Decoded(segments, padded, AudioDecodeException.ReasonFor(e), null);
        }
    }

    /// <summary>Scores a batch and hands each segment's outputs to its file.</summary>
    void Score(List<Piece> batch)
    {
        Deliver(batch, Forward(batch));
        batch.Clear();
    }

    /// <summary>The network's outputs for a batch of segments, [batch, outputs] row by row (tag scores, then any embedding).</summary>
    internal float[] Forward(IReadOnlyList<Piece> batch)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var samples = new float[batch.Count * SegmentSamples];
        for (int i = 0; i < batch.Count; i++) batch[i].Samples.CopyTo(samples, i * SegmentSamples);
        var input = tensor(samples, [batch.Count, 1, SegmentSamples]).to(device);
        if (options.BFloat16) input = input.to(ScalarType.BFloat16);
        var output = network.call(input);
        if (output.shape.Length != 2 || output.shape[0] != batch.Count || output.shape[1] != outputs)
            throw new InvalidDataException($"the model returned [{string.Join(", ", output.shape)}] for [{batch.Count}, 1, {SegmentSamples}]; expected [{batch.Count}, {outputs}]");
        return output.to(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    /// <summary>Appends each segment's row of <see cref="Forward"/>'s outputs to its file, in the batch's order (a file's segments come in order).</summary>
    internal void Deliver(IReadOnlyList<Piece> batch, float[] scores)
    {
        for (int i = 0; i < batch.Count; i++) batch[i].File.Add(scores.AsSpan(i * outputs, outputs));
    }

    /// <summary>A file's per-segment outputs once it is complete (none when it failed).</summary>
    internal SegmentOutputs OutputsOf(Pending file)
    {
        var (plan, decoded) = (Plan, file.Decoded!);
        return new(file.Path, decoded.Error is null ? file.Values.ToArray() : [], outputs, decoded.Error is null ? file.Scored : 0,
            (double)plan.Length / SampleRate, (double)plan.Hop / SampleRate, decoded.Padded, decoded.Error, decoded.Recovered);
    }
}
