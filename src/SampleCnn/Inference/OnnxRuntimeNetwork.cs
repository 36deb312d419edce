using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// Our network run by ONNX Runtime instead of libtorch (`tag --engine onnx`): the graph <see cref="TaggingCnn"/> writes
/// (<c>export --onnx</c>), held in memory, with ORT's graph optimisations on (documented to fuse BatchNorm and
/// convolution + ReLU). A module like any other to the <c>Tagger</c>: waveforms [batch, 1, samples] in, sigmoid
/// scores [batch, tags] out, on the CPU; with <see cref="Embedding"/> each segment's 512-wide penultimate vector (the
/// graph's second output) after its scores, as <c>ScoresAndEmbedding</c> gives, or alone, for <c>embed</c>. One single-threaded session per thread, each taking the batch's next few
/// segments as it comes free: with ORT's own intra-op pool every operator waits for its slowest thread, so a decoder
/// that takes a core in `tag` held the whole network back (end to end 6% faster in int8, 10% in fp32, in 3 of 3
/// alternating quiet rounds; bench/RESULTS.md, 2026-11-26). Scores do not depend on how the batch is split.
/// </summary>
internal sealed class OnnxRuntimeNetwork : nn.Module<Tensor, Tensor>
{
    readonly InferenceSession[] sessions;
    readonly string[] outputs;
    readonly int width;

    /// <param name="ranges">Calibrated activation ranges (<see cref="Int8Calibration"/>): run the static int8 graph.</param>
    /// <param name="embedding">Also give each segment's penultimate vector (<see cref="Embedding"/>).</param>
    /// <param name="scores">Give the tag scores (with <paramref name="embedding"/> only, false gives the vectors alone).</param>
    public OnnxRuntimeNetwork(TaggingCnn cnn, int threads, IReadOnlyDictionary<string, (float Min, float Max)>? ranges = null, bool embedding = false, bool scores = true)
        : base(nameof(OnnxRuntimeNetwork))
    {
        if (!scores && !embedding) throw new ArgumentException("a network that gives neither scores nor embeddings", nameof(scores));
        Embedding = embedding;
        outputs = [.. scores ? [OnnxGraph.Output] : Array.Empty<string>(), .. embedding ? [OnnxGraph.Embedding] : Array.Empty<string>()];
        width = (scores ? cnn.Tags : 0) + (embedding ? ClassifierHead.Width : 0);
        using var onnx = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(cnn.ToOnnx(new Dictionary<string, string>(), ranges), onnx);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // ORT's pool threads spin after each operator by default, holding the cores that `tag`'s decoders need between
        // the network's batches: off, a tag run costs ~13% less CPU and its decoders keep up (bench/RESULTS.md, 2026-11-26).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        var graph = onnx.ToArray();
        sessions = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => new InferenceSession(graph, options)).ToArray();
    }

    /// <summary>Whether each segment's row holds its penultimate vector (the dense layer's input), after its scores if any.</summary>
    public bool Embedding { get; }

    // Segments per session run: a few, so a thread a decoder preempts holds back only its own chunk.
    const int Chunk = 4;

    public override Tensor forward(Tensor waveforms)
    {
        var shape = waveforms.shape.Select(d => (int)d).ToArray();
        int batch = shape[0], samples = shape[2];
        var data = waveforms.to(float32).cpu().contiguous().data<float>().ToArray();
        var rows = new float[batch * width];
        int next = 0;
        Parallel.For(0, Math.Min(sessions.Length, (batch + Chunk - 1) / Chunk), new ParallelOptions { MaxDegreeOfParallelism = sessions.Length }, w =>
        {
            for (int start; (start = Interlocked.Add(ref next, Chunk) - Chunk) < batch;)
            {
                int n = Math.Min(Chunk, batch - start);
                var input = new DenseTensor(new Memory<float>(data, start * samples, n * samples), [n, 1, samples]);
                using var results = sessions[w].Run([NamedOnnxValue.CreateFromTensor(OnnxGraph.Input, input)], outputs);
                // Each output is [n, its width]: its values go to their columns of the segments' rows.
                int column = 0;
                foreach (var result in results)
                {
                    var values = result.AsTensor<float>();
                    int columns = (int)(values.Length / n);
                    int i = 0;
                    foreach (var value in values)
                    {
                        rows[(start + i / columns) * width + column + i % columns] = value;
                        i++;
                    }
                    column += columns;
                }
            }
        });
        return tensor(rows, [batch, width]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) foreach (var session in sessions) session.Dispose();
        base.Dispose(disposing);
    }
}
