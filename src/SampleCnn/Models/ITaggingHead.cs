using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>A head whose last step is dropout + dense on a 512-wide vector: that vector is the network's embedding.</summary>
internal interface ITaggingHead
{
    /// <summary>The dense layer's input [batch, 512] (before dropout) from the modules' outputs.</summary>
    Tensor Penultimate(IReadOnlyList<Tensor> moduleOutputs);

    /// <summary>Writes the head into an ONNX graph (<see cref="OnnxGraph"/>); returns the names of its penultimate vector and its logits.</summary>
    (string Penultimate, string Logits) AddTo(OnnxGraph graph, string name, IReadOnlyList<string> moduleOutputs);

    /// <summary>The logits from the penultimate vector: dropout, then the dense output layer.</summary>
    Tensor Output(Tensor penultimate);
}
