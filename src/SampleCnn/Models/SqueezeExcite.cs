using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Squeeze-and-excitation: global average over time, a bottleneck of C/16 units, and a sigmoid
/// gate that rescales each channel (reduction 16 as the issue states for Kim, Lee, Nam 2018; Won et al. 2020
/// use reduction 1, no bottleneck).
/// </summary>
internal sealed class SqueezeExcite : nn.Module<Tensor, Tensor>, IOnnxNodes
{
    public const int Reduction = 16;

    private readonly Linear squeeze;
    private readonly Linear excite;

    public SqueezeExcite(long channels, int reduction = Reduction) : base(nameof(SqueezeExcite))
    {
        var hidden = Math.Max(1, channels / reduction);
        squeeze = nn.Linear(channels, hidden);
        excite = nn.Linear(hidden, channels);
        RegisterComponents();
    }

    /// <summary>Multiply-accumulates of the two dense layers (the average is not counted).</summary>
    public long MultiplyAccumulates => squeeze.weight!.numel() + excite.weight!.numel();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = excite.forward(nn.functional.relu(squeeze.forward(x.mean([2])))).sigmoid();
        return (x * gate.unsqueeze(2)).MoveToOuterDisposeScope();
    }

    public string AddTo(OnnxGraph graph, string name, string input)
    {
        var mean = graph.OverTime("ReduceMean", input);
        var gate = graph.Node("Sigmoid", [graph.Linear(excite, $"{name}.excite", graph.Relu(graph.Linear(squeeze, $"{name}.squeeze", mean)))]);
        return graph.Node("Mul", [input, graph.AlongTime($"{name}.time_axis", gate)]);
    }
}
