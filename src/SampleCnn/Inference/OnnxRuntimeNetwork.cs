using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// Our network run by ONNX Runtime instead of libtorch (`tag --engine onnx`): the graph <see cref="TaggingCnn"/> writes
/// (<c>export --onnx</c>), held in memory, with ORT's graph optimisations on (documented to fuse BatchNorm and
/// convolution + ReLU). A module like any other to the <c>Tagger</c>: waveforms [batch, 1, samples] in, sigmoid
/// scores [batch, tags] out, on the CPU.
/// </summary>
internal sealed class OnnxRuntimeNetwork : nn.Module<Tensor, Tensor>
{
    readonly InferenceSession session;
    readonly long tags;

    /// <param name="ranges">Calibrated activation ranges (<see cref="Int8Calibration"/>): run the static int8 graph.</param>
    public OnnxRuntimeNetwork(TaggingCnn cnn, int threads, IReadOnlyDictionary<string, (float Min, float Max)>? ranges = null) : base(nameof(OnnxRuntimeNetwork))
    {
        tags = cnn.Tags;
        using var onnx = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(cnn.ToOnnx(new Dictionary<string, string>(), ranges), onnx);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // ORT's pool threads spin after each operator by default, holding the cores that `tag`'s decoders need between
        // the network's batches: off, a tag run costs ~13% less CPU and its decoders keep up (bench/RESULTS.md, 2026-11-26).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        session = new InferenceSession(onnx.ToArray(), options);
    }

    public override Tensor forward(Tensor waveforms)
    {
        var shape = waveforms.shape.Select(d => (int)d).ToArray();
        var input = new DenseTensor(waveforms.to(float32).cpu().contiguous().data<float>().ToArray(), shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxGraph.Input, input)]);
        return tensor(results.Single().AsEnumerable<float>().ToArray(), [shape[0], tags]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}
