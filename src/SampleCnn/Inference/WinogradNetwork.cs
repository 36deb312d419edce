using System.Diagnostics;
using System.Runtime.Intrinsics;
using SampleCnn.Models;
using SampleCnn.Platform;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// The basic m = 3 SampleCnn run by our own code instead of libtorch (`tag --engine winograd`), BatchNorm folded: layer 1
/// as a direct strided convolution, every module as a fused Winograd F(6,3) convolution + bias + ReLU + max-pool
/// (<see cref="WinogradConv"/>), the head's 1x1 conv, dense layer and sigmoid as direct code. Each thread takes whole
/// segments and runs them through every layer in its own channels-last buffers (allocated once), so a layer's
/// activations stay within a few MB of the core's caches and never make a pass through memory as a batch's tensor.
/// A module like any other to the <c>Tagger</c>: waveforms [batch, 1, samples] in, sigmoid scores [batch, tags] out.
/// </summary>
internal sealed unsafe class WinogradNetwork : nn.Module<Tensor, Tensor>
{
    readonly int samples, filter, padding, firstChannels, headIn, tags;
    readonly float[] firstWeight; // [filter][channels]: one tap's weights over the channels, contiguous
    readonly float[] firstBias;
    readonly WinogradConv[] blocks;
    readonly float[] headWeight; // [in][512]
    readonly float[] headBias;
    readonly float[] denseWeight; // [tags][512]
    readonly float[] denseBias;
    readonly Worker[] workers;

    /// <summary>When set, each layer's time (layer 1, the modules, the head) is added here in Stopwatch ticks, summed over the threads.</summary>
    internal long[]? LayerTicks { get; set; }

    public int LayerCount => blocks.Length + 2;

    /// <param name="cnn">A waveform model of basic m = 3 modules, BatchNorm folded (<see cref="TaggingCnn.FoldBatchNorm"/>).</param>
    /// <param name="threads">Segments run at once, one per thread.</param>
    public WinogradNetwork(TaggingCnn cnn, int threads) : base(nameof(WinogradNetwork))
    {
        var spec = cnn.Spec;
        if (Refusal(spec) is { } why)
            // "Engine" is TaggerOptions.Engine, the option that chose this network.
            throw new OptionException("Engine", "engine", "winograd", $"runs the basic m = 3 SampleCnn (3^n, frame:F, +pad1, +last3); {spec} has {why}: use the torch or onnx engine");
        if (!cnn.IsFolded) throw new ArgumentException("fold the model's BatchNorm before giving it to the Winograd engine", nameof(cnn));
        var weights = cnn.state_dict().Where(p => p.Value.dtype == ScalarType.Float32).ToDictionary(p => p.Key, p => p.Value.detach().cpu().contiguous().data<float>().ToArray());
        samples = (int)spec.InputSamples;
        filter = spec.Filter;
        padding = spec.FirstPadding;
        firstChannels = spec.FrontEndChannels;
        firstWeight = Transposed(weights["frontEnd.conv.weight"], firstChannels, filter);
        firstBias = weights["frontEnd.conv.bias"];
        blocks = Enumerable.Range(0, spec.Modules).Select(i => new WinogradConv(weights[$"blocks.{i}.conv.weight"], weights[$"blocks.{i}.conv.bias"],
            i == 0 ? firstChannels : spec.ModuleChannels(i), spec.ModuleChannels(i + 1))).ToArray();
        headIn = spec.ModuleChannels(spec.Modules);
        // On the last module's length-1 map only the centre tap of a "same" kernel meets a sample.
        headWeight = CentreTapTransposed(weights["head.conv.weight"], ClassifierHead.Width, headIn, spec.LastKernel);
        headBias = weights["head.conv.bias"];
        denseWeight = weights["head.dense.weight"];
        denseBias = weights["head.dense.bias"];
        tags = cnn.Tags;
        int length = samples / filter, largest = WinogradConv.PaddedRows(length) * firstChannels;
        foreach (var module in blocks)
        {
            length /= 3;
            largest = Math.Max(largest, WinogradConv.PaddedRows(length) * module.OutChannels);
        }
        workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => new Worker(largest, blocks.Max(m => m.TransformedFloats), blocks.Max(m => m.ProductFloats))).ToArray();
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

    static float[] CentreTapTransposed(float[] weight, int outChannels, int inChannels, int kernel)
    {
        var result = GC.AllocateArray<float>(inChannels * outChannels, pinned: true);
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < inChannels; i++) result[i * outChannels + o] = weight[(o * inChannels + i) * kernel + kernel / 2];
        return result;
    }

    public override Tensor forward(Tensor waveforms)
    {
        if (waveforms.ndim != 3 || waveforms.shape[1] != 1 || waveforms.shape[2] != samples)
            throw new ArgumentException($"expected waveforms [batch, 1, {samples}], got [{string.Join(", ", waveforms.shape)}]");
        int batch = (int)waveforms.shape[0];
        var scores = new float[batch * tags];
        using (var input = waveforms.to(ScalarType.Float32).cpu().contiguous())
        fixed (byte* bytes = input.bytes)
        {
            var x = (nint)bytes;
            int next = -1;
            // Segments handed out one at a time, so an odd batch's last segment does not wait behind a fixed share.
            void Work(int w)
            {
                for (int s; (s = Interlocked.Increment(ref next)) < batch;)
                    Segment((float*)x + (long)s * samples, scores.AsSpan(s * tags, tags), workers[w]);
            }
            int count = Math.Min(workers.Length, batch);
            if (count == 1) Work(0);
            else Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, Work);
        }
        return tensor(scores, [batch, tags]);
    }

    /// <summary>One segment through every layer, in a worker's buffers, ping-ponging between its two padded maps.</summary>
    void Segment(float* x, Span<float> scores, Worker worker)
    {
        fixed (float* a = worker.A, b = worker.B, v = worker.Transformed, m = worker.Products)
        {
            long start = Stopwatch.GetTimestamp();
            int length = samples / filter;
            FirstLayer(x, length, a);
            start = Lap(0, start);
            float* input = a, output = b;
            for (int i = 0; i < blocks.Length; i++, length /= 3)
            {
                blocks[i].Run(input, length, output, v, m);
                var swap = input;
                input = output;
                output = swap;
                start = Lap(i + 1, start);
            }
            Head(input + headIn, scores, output); // row 1 of the last padded map: the length-1 output
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

    /// <summary>
    /// Layer 1, direct: Conv1d(1 -> channels, kernel = stride = filter, the spec's padding) + bias + ReLU, written as the
    /// padded map of the first module's input. A small share of the work (3 multiplications per output for 3^9).
    /// </summary>
    void FirstLayer(float* x, int length, float* output)
    {
        int c = firstChannels;
        new Span<float>(output, c).Clear();
        new Span<float>(output + (long)(length + 1) * c, (WinogradConv.PaddedRows(length) - length - 1) * c).Clear();
        fixed (float* w = firstWeight, bias = firstBias)
            for (int t = 0; t < length; t++)
            {
                float* y = output + (long)(t + 1) * c;
                int from = t * filter - padding;
                for (int i = 0; i < c; i += Vector512<float>.Count)
                {
                    var sum = Vector512.Load(bias + i);
                    for (int k = 0; k < filter; k++)
                    {
                        int at = from + k;
                        if ((uint)at < (uint)samples) sum = Vector512.FusedMultiplyAdd(Vector512.Create(x[at]), Vector512.Load(w + (long)k * c + i), sum);
                    }
                    Vector512.Store(Vector512.Max(sum, Vector512<float>.Zero), y + i);
                }
            }
    }

    /// <summary>The head on the last module's output: the 1x1 conv (folded) + ReLU into <paramref name="hidden"/>, the dense layer, the sigmoid.</summary>
    void Head(float* features, Span<float> scores, float* hidden)
    {
        const int width = ClassifierHead.Width;
        fixed (float* w = headWeight, bias = headBias, dense = denseWeight, denseBias = this.denseBias)
        {
            for (int o = 0; o < width; o += Vector512<float>.Count)
            {
                var sum = Vector512.Load(bias + o);
                for (int i = 0; i < headIn; i++) sum = Vector512.FusedMultiplyAdd(Vector512.Create(features[i]), Vector512.Load(w + (long)i * width + o), sum);
                Vector512.Store(Vector512.Max(sum, Vector512<float>.Zero), hidden + o);
            }
            for (int t = 0; t < tags; t++)
            {
                var sum = Vector512<float>.Zero;
                for (int i = 0; i < width; i += Vector512<float>.Count)
                    sum = Vector512.FusedMultiplyAdd(Vector512.Load(hidden + i), Vector512.Load(dense + (long)t * width + i), sum);
                double logit = Vector512.Sum(sum) + denseBias[t];
                scores[t] = (float)(1 / (1 + Math.Exp(-logit)));
            }
        }
    }

    /// <summary>One thread's buffers: two padded maps, ping-ponged between the layers, and a chunk's transforms.</summary>
    sealed class Worker(int mapFloats, int transformedFloats, int productFloats)
    {
        public float[] A { get; } = GC.AllocateArray<float>(mapFloats, pinned: true);
        public float[] B { get; } = GC.AllocateArray<float>(mapFloats, pinned: true);
        public float[] Transformed { get; } = GC.AllocateArray<float>(transformedFloats, pinned: true);
        public float[] Products { get; } = GC.AllocateArray<float>(productFloats, pinned: true);
    }
}
