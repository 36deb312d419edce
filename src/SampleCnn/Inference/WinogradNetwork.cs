using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using SampleCnn.Models;
using SampleCnn.Platform;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// The basic m = 3 SampleCnn run by our own code instead of libtorch (`tag --engine winograd`), BatchNorm folded: layer 1
/// as a direct strided convolution, every module as a fused Winograd F(6,3) convolution + bias + ReLU + max-pool
/// (<see cref="WinogradConv"/>), the head's 1x1 conv, dense layer and sigmoid as direct code. The long layers run one
/// segment at a time, each thread taking the next segment, in the thread's own channels-last buffers (allocated once),
/// so a layer's activations stay within a few MB of the core's caches; the short layers near the head, whose weights
/// outweigh a segment's activations, then run on a share of the batch's segments per thread at once, so each load of
/// the weights serves them all. A module like any other to the <c>Tagger</c>: waveforms [batch, 1, samples] in, sigmoid
/// scores [batch, tags] out, and with <see cref="Embedding"/> each segment's 512-wide penultimate vector after them (as
/// <c>ScoresAndEmbedding</c> gives; or alone, for <c>embed</c>); one forward at a time (the buffers are the network's).
/// </summary>
internal sealed unsafe class WinogradNetwork : nn.Module<Tensor, Tensor>
{
    readonly int samples, filter, padding, firstChannels, headIn, tags, width;
    readonly bool scores, wide;
    readonly float[] firstWeight; // [filter][channels]: one tap's weights over the channels, contiguous
    readonly float[] firstBias;
    readonly WinogradConv[] blocks;
    readonly int[] lengths; // each module's input length
    readonly int perSegment; // modules run one segment at a time; the rest run on a thread's segments together
    readonly float[] headWeight; // [in x 512] packed (WinogradGemm.Packed)
    readonly float[] headBias;
    readonly float[] denseWeight; // [tags][512]
    readonly float[] denseBias;
    readonly Worker[] workers;
    float[] together = [], otherTogether = []; // the padded maps of every segment for the modules run together (grown with the batch)

    /// <summary>Floats of one segment's padded map where the modules run together: the largest of their inputs and outputs.</summary>
    int TogetherMap { get; }

    /// <summary>Segments whose head runs as one product: a multiple of the product's 6 rows.</summary>
    const int HeadRows = 48;

    /// <summary>
    /// When set, each layer's time (layer 1, the modules, the head) is added here in Stopwatch ticks, summed over the
    /// threads; layer 1's is in module 1's where they run together (<see cref="FirstLayerAndModule"/>).
    /// </summary>
    internal long[]? LayerTicks { get; set; }

    public int LayerCount => blocks.Length + 2;

    /// <summary>The dense layer's logits in place of their sigmoids (evaluate's loss is computed from logits, as libtorch's).</summary>
    public bool Logits { get; init; }

    /// <summary>Whether each segment's row holds its penultimate vector (the dense layer's input), after its scores if any.</summary>
    public bool Embedding { get; }

    /// <param name="cnn">A waveform model of basic m = 3 modules; its BatchNorm is folded here (<see cref="TaggingCnn.FoldBatchNorm"/>).</param>
    /// <param name="threads">Threads the batch's segments are shared among.</param>
    /// <param name="embedding">Also give each segment's penultimate vector (<see cref="Embedding"/>).</param>
    /// <param name="scores">Give the tag scores (with <paramref name="embedding"/> only, false gives the vectors alone).</param>
    /// <param name="narrow">Run the 256-bit code even on a CPU with AVX-512 (tests compare the two widths in one process).</param>
    public WinogradNetwork(TaggingCnn cnn, int threads, bool embedding = false, bool scores = true, bool narrow = false) : base(nameof(WinogradNetwork))
    {
        if (!scores && !embedding) throw new ArgumentException("a network that gives neither scores nor embeddings", nameof(scores));
        var spec = cnn.Spec;
        if (Refusal(spec) is { } why)
            // "Engine" is TaggerOptions.Engine, the option that chose this network.
            throw new OptionException("Engine", "engine", "winograd", $"runs the basic m = 3 SampleCnn (3^n, frame:F, +pad1, +last3); {spec} has {why}: use the torch or onnx engine");
        // The code runs in 512-bit registers on AVX-512, else in 256-bit ones; without AVX2 and FMA the runtime would
        // emulate the vectors and the fused multiply-adds, many times slower than libtorch.
        wide = Avx512F.IsSupported && !narrow;
        if (!wide && !(Avx2.IsSupported && Fma.IsSupported))
            throw new OptionException("Engine", "engine", "winograd", "needs a CPU with AVX2 and FMA (or AVX-512) and this one has neither: use the torch or onnx engine");
        cnn.FoldBatchNorm(); // the engine runs the folded network; folding twice changes nothing
        var weights = cnn.state_dict().Where(p => p.Value.dtype == ScalarType.Float32)
            .ToDictionary(p => p.Key, p => p.Value.detach().cpu().contiguous().data<float>().ToArray());
        samples = (int)spec.InputSamples;
        filter = spec.Filter;
        padding = spec.FirstPadding;
        firstChannels = spec.FrontEndChannels;
        firstWeight = Transposed(weights["frontEnd.conv.weight"], firstChannels, filter);
        firstBias = weights["frontEnd.conv.bias"];
        blocks = Enumerable.Range(0, spec.Modules).Select(i => new WinogradConv(weights[$"blocks.{i}.conv.weight"], weights[$"blocks.{i}.conv.bias"],
            i == 0 ? firstChannels : spec.ModuleChannels(i), spec.ModuleChannels(i + 1))).ToArray();
        lengths = Enumerable.Range(0, spec.Modules).Select(i => samples / filter / (int)Math.Pow(3, i)).ToArray();
        perSegment = Enumerable.Range(0, blocks.Length).FirstOrDefault(i => WinogradConv.Tiles(lengths[i]) < blocks[i].ChunkTiles, blocks.Length);
        headIn = spec.ModuleChannels(spec.Modules);
        TogetherMap = Enumerable.Range(perSegment, blocks.Length - perSegment)
            .Select(i => Math.Max(WinogradConv.PaddedRows(lengths[i]) * blocks[i].InChannels, WinogradConv.PaddedRows(lengths[i] / 3) * blocks[i].OutChannels))
            .DefaultIfEmpty(WinogradConv.PaddedRows(1) * headIn).Max();
        // On the last module's length-1 map only the centre tap of a "same" kernel meets a sample.
        headWeight = CentreTapPacked(weights["head.conv.weight"], ClassifierHead.Width, headIn, spec.LastKernel);
        headBias = weights["head.conv.bias"];
        denseWeight = weights["head.dense.weight"];
        denseBias = weights["head.dense.bias"];
        tags = cnn.Tags;
        Embedding = embedding;
        this.scores = scores;
        width = (scores ? tags : 0) + (embedding ? ClassifierHead.Width : 0);
        int largest = Enumerable.Range(0, perSegment).Select(i => WinogradConv.PaddedRows(lengths[i] / 3) * blocks[i].OutChannels).DefaultIfEmpty(0).Max();
        workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => new Worker(largest, blocks.Max(m => m.TransformedFloats),
            Math.Max(blocks.Max(m => m.ProductFloats), HeadRows * ClassifierHead.Width), samples + 2 * padding,
            (blocks[0].ChunkTiles * WinogradConv.Outputs + 2) * firstChannels)).ToArray();
    }

    /// <summary>What in this spec the engine does not run, or null when it runs it.</summary>
    internal static string? Refusal(ModelSpec spec) =>
        spec.FrontEnd != FrontEndKind.Waveform ? "the mel front end"
        : spec.M != 3 ? $"m = {spec.M}"
        : spec.Block != BlockKind.Plain ? $"{spec.Block} blocks"
        : spec.MultiLevel ? "a multi-level head"
        : spec.DenseHead ? "a hidden dense layer in its head"
        : null;

    static float[] Transposed(float[] weight, int rows, int columns)
    {
        var result = GC.AllocateArray<float>(weight.Length, pinned: true);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) result[c * rows + r] = weight[r * columns + c];
        return result;
    }

    static float[] CentreTapPacked(float[] weight, int outChannels, int inChannels, int kernel)
    {
        var result = GC.AllocateArray<float>(inChannels * outChannels, pinned: true);
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < inChannels; i++) result[WinogradGemm.Packed(i, o, inChannels)] = weight[(o * inChannels + i) * kernel + kernel / 2];
        return result;
    }

    public override Tensor forward(Tensor waveforms)
    {
        if (waveforms.ndim != 3 || waveforms.shape[1] != 1 || waveforms.shape[2] != samples)
            throw new ArgumentException($"expected waveforms [batch, 1, {samples}], got [{string.Join(", ", waveforms.shape)}]");
        int batch = (int)waveforms.shape[0];
        if (batch == 0) return zeros(0, width);
        // The head's product reads up to 5 rows past a thread's last segment: room for them.
        long needed = (long)(batch + WinogradGemm.Rows) * TogetherMap;
        if (needed > Array.MaxLength)
            // "BatchSize" is TaggerOptions.BatchSize, the option that sets how many segments a forward takes.
            throw new OptionException("BatchSize", "batch size", batch, $"is too large for the Winograd engine's buffers (at most {Array.MaxLength / TogetherMap - WinogradGemm.Rows} segments of this model)");
        // The buffers below and the workers' belong to this network: one forward at a time.
        if (Interlocked.Exchange(ref running, 1) == 1)
            throw new InvalidOperationException("the Winograd engine runs one forward at a time: give each thread a network of its own");
        try
        {
            return Forward(waveforms, batch, needed);
        }
        finally
        {
            running = 0;
        }
    }

    private int running;

    Tensor Forward(Tensor waveforms, int batch, long needed)
    {
        if (together.Length < needed)
            (together, otherTogether) = (GC.AllocateArray<float>((int)needed, pinned: true), GC.AllocateArray<float>((int)needed, pinned: true));
        var rows = new float[batch * width];
        using (var input = waveforms.to(ScalarType.Float32).cpu().contiguous())
        fixed (byte* bytes = input.bytes)
        {
            var x = (nint)bytes;
            int count = Math.Min(workers.Length, batch), next = -1;
            // The long layers take segments one at a time as threads come free, so a thread the OS preempts (decoding runs
            // beside the network in `tag`) does not hold the others back; the short ones, a small share, take fixed shares.
            InParallel(count, w =>
            {
                for (int s; (s = Interlocked.Increment(ref next)) < batch;)
                    if (wide) OneByOne<Lanes512>((float*)x, s, workers[w]);
                    else OneByOne<Lanes256>((float*)x, s, workers[w]);
            });
            InParallel(count, w =>
            {
                if (wide) Together<Lanes512>(batch * w / count, batch * (w + 1) / count, rows, workers[w]);
                else Together<Lanes256>(batch * w / count, batch * (w + 1) / count, rows, workers[w]);
            });
        }
        return tensor(rows, [batch, width]);
    }

    static void InParallel(int count, Action<int> work)
    {
        if (count == 1) work(0);
        else Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, work);
    }

    /// <summary>Segment <paramref name="s"/> through layer 1 and the long modules, into its place among the maps run together.</summary>
    void OneByOne<L>(float* x, int s, Worker worker) where L : struct, ILanes<L>
    {
        fixed (float* a = worker.A, b = worker.B, v = worker.Transformed, m = worker.Products, padded = worker.Samples, strip = worker.Strip)
        fixed (float* togetherStart = together)
        {
            float* last = togetherStart + (long)s * TogetherMap;
            long start = Stopwatch.GetTimestamp();
            PadSamples(x + (long)s * samples, padded);
            if (perSegment == 0)
            {
                FirstLayer<L>(padded, 0, WinogradConv.PaddedRows(lengths[0]), last);
                Lap(0, start);
                return;
            }
            FirstLayerAndModule<L>(padded, perSegment == 1 ? last : a, strip, v, m);
            start = Lap(1, start);
            float* from = a, to = b;
            for (int i = 1; i < perSegment; i++)
            {
                blocks[i].Run<L>(from, lengths[i], 1, 0, i == perSegment - 1 ? last : to, v, m);
                var swap = from;
                from = to;
                to = swap;
                start = Lap(i + 1, start);
            }
        }
    }

    /// <summary>Segments [first, end) through the short modules together, then the head.</summary>
    void Together<L>(int first, int end, float[] rows, Worker worker) where L : struct, ILanes<L>
    {
        int map = TogetherMap;
        fixed (float* v = worker.Transformed, m = worker.Products)
        fixed (float* togetherStart = together, otherStart = otherTogether)
        {
            float* input = togetherStart + (long)first * map, output = otherStart + (long)first * map;
            long start = Stopwatch.GetTimestamp();
            for (int i = perSegment; i < blocks.Length; i++)
            {
                blocks[i].Run<L>(input, lengths[i], end - first, map, output, v, m);
                var swap = input;
                input = output;
                output = swap;
                start = Lap(i + 1, start);
            }
            Head<L>(input + headIn, map, end - first, rows.AsSpan(first * width, (end - first) * width), m);
            Lap(blocks.Length + 1, start);
        }
    }

    long Lap(int layer, long start)
    {
        if (LayerTicks is not { } ticks) return start;
        long now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref ticks[layer], now - start);
        return now;
    }

    /// <summary>A segment's samples between layer 1's zero padding, so no tap of <see cref="FirstLayer"/> needs a bound check.</summary>
    void PadSamples(float* x, float* padded)
    {
        new Span<float>(padded, padding).Clear();
        new ReadOnlySpan<float>(x, samples).CopyTo(new Span<float>(padded + padding, samples));
        new Span<float>(padded + padding + samples, padding).Clear();
    }

    /// <summary>
    /// Layer 1 and module 1 together, chunk by chunk: the layer 1 rows that a chunk of module 1's tiles reads are computed
    /// into <paramref name="strip"/> (in L2) just before, so layer 1's map (10 MB a segment for 3^9) never goes through memory.
    /// </summary>
    void FirstLayerAndModule<L>(float* padded, float* output, float* strip, float* v, float* m) where L : struct, ILanes<L>
    {
        var module = blocks[0];
        int length = lengths[0], tiles = WinogradConv.Tiles(length);
        for (int first = 0; first < tiles; first += module.ChunkTiles)
        {
            int count = Math.Min(module.ChunkTiles, tiles - first), row = first * WinogradConv.Outputs;
            FirstLayer<L>(padded, row, count * WinogradConv.Outputs + 2, strip);
            // The chunk reads its tiles' rows at their places in the whole map: give it the map's start, which the strip stands for.
            module.Chunk<L>(strip - (long)row * firstChannels, length, 0, first, count, output, v, m);
        }
        module.ClearPadding(output, length, 1, 0);
    }

    /// <summary>
    /// Rows [<paramref name="first"/>, first + count) of layer 1's padded map (row r is output r - 1; zero outside the
    /// outputs), direct: Conv1d(1 -> channels, kernel = stride = filter, the spec's padding) + bias + ReLU. A small share
    /// of the work (3 multiplications per output for 3^9).
    /// </summary>
    void FirstLayer<L>(float* padded, int first, int count, float* rows) where L : struct, ILanes<L>
    {
        int c = firstChannels, length = lengths[0];
        fixed (float* w = firstWeight, bias = firstBias)
            for (int r = 0; r < count; r++)
            {
                float* y = rows + (long)r * c;
                int t = first + r - 1;
                if (t < 0 || t >= length)
                {
                    new Span<float>(y, c).Clear();
                    continue;
                }
                float* from = padded + (long)t * filter;
                for (int i = 0; i < c; i += L.Count)
                {
                    var sum = L.Load(bias + i);
                    for (int k = 0; k < filter; k++) sum = L.FusedMultiplyAdd(L.Create(from[k]), L.Load(w + (long)k * c + i), sum);
                    L.Max(sum, L.Zero).Store(y + i);
                }
            }
    }

    /// <summary>
    /// The head on the segments' last module outputs (<paramref name="features"/>, <paramref name="stride"/> floats apart):
    /// the 1x1 conv (folded) as one product for up to <see cref="HeadRows"/> segments, + bias + ReLU, then the dense
    /// layer and the sigmoid.
    /// </summary>
    void Head<L>(float* features, int stride, int segments, Span<float> rows, float* hidden) where L : struct, ILanes<L>
    {
        const int hiddenWidth = ClassifierHead.Width;
        fixed (float* w = headWeight, bias = headBias, dense = denseWeight, denseBias = this.denseBias)
            for (int first = 0; first < segments; first += HeadRows)
            {
                int count = Math.Min(HeadRows, segments - first), blockRows = (count + WinogradGemm.Rows - 1) / WinogradGemm.Rows * WinogradGemm.Rows;
                WinogradGemm.Multiply<L>(features + (long)first * stride, stride, w, hidden, hiddenWidth, blockRows, headIn, hiddenWidth);
                for (int s = 0; s < count; s++)
                {
                    float* h = hidden + (long)s * hiddenWidth;
                    for (int o = 0; o < hiddenWidth; o += L.Count)
                        L.Max(L.Load(h + o) + L.Load(bias + o), L.Zero).Store(h + o);
                    var row = rows.Slice((first + s) * width, width);
                    if (Embedding) new ReadOnlySpan<float>(h, hiddenWidth).CopyTo(row[^hiddenWidth..]);
                    if (!scores) continue;
                    for (int t = 0; t < tags; t++)
                    {
                        var sum = L.Zero;
                        for (int i = 0; i < hiddenWidth; i += L.Count)
                            sum = L.FusedMultiplyAdd(L.Load(h + i), L.Load(dense + (long)t * hiddenWidth + i), sum);
                        double logit = sum.Sum() + denseBias[t];
                        row[t] = Logits ? (float)logit : (float)(1 / (1 + Math.Exp(-logit)));
                    }
                }
            }
    }

    /// <summary>One thread's buffers: a segment's samples with layer 1's padding, a strip of layer 1's rows, two padded maps, ping-ponged between the layers run one segment at a time, and a chunk's transforms.</summary>
    sealed class Worker(int mapFloats, int transformedFloats, int productFloats, int samples, int stripFloats)
    {
        public float[] Samples { get; } = GC.AllocateArray<float>(samples, pinned: true);
        public float[] Strip { get; } = GC.AllocateArray<float>(stripFloats, pinned: true);
        public float[] A { get; } = GC.AllocateArray<float>(mapFloats, pinned: true);
        public float[] B { get; } = GC.AllocateArray<float>(mapFloats, pinned: true);
        public float[] Transformed { get; } = GC.AllocateArray<float>(transformedFloats, pinned: true);
        public float[] Products { get; } = GC.AllocateArray<float>(productFloats, pinned: true);
    }
}
