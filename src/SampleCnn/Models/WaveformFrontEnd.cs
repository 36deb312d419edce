using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Layer 1 on raw samples: Conv1d(1 -> 128, kernel = stride = first filter) + BN + ReLU, unpadded or with the
/// spec's first-layer padding. The first filter is m for sample-level models and m^k (e.g. 729) for frame-level ones.
/// </summary>
internal sealed class WaveformFrontEnd : nn.Module<Tensor, Tensor>, ILayerRows, IFoldable, IOnnxNodes
{
    private readonly Conv1d conv;
    private readonly BatchNorm1d bn;
    private readonly int filter;
    private readonly int padding;
    private bool folded;

    public WaveformFrontEnd(int filter, long channels, BatchNormSettings? batchNorm = null, int padding = 0) : base(nameof(WaveformFrontEnd))
    {
        this.filter = filter;
        this.padding = padding;
        conv = nn.Conv1d(1, channels, filter, stride: filter, padding: padding);
        bn = (batchNorm ?? BatchNormSettings.PyTorch).Create(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Training: the channels-last layout, and the ReLU in place (BatchNorm's backward needs its input, not its output).
        if (!folded && ChannelsLast.Applies(this))
            return ChannelsLast.Squeezed(bn.Normalize(ChannelsLast.Conv(conv, x, filter, padding)).relu_()).MoveToOuterDisposeScope();
        var y = conv.forward(x);
        return nn.functional.relu(folded ? y : bn.Normalize(y)).MoveToOuterDisposeScope();
    }

    public string AddTo(OnnxGraph graph, string name, string input) =>
        graph.Quantized(name, graph.Relu(graph.FoldedOr(folded, bn, $"{name}.bn", graph.Conv(conv, $"{name}.conv", input, filter, padding))));

    public void FoldBatchNorm()
    {
        if (folded) return;
        BatchNormFolding.Fold(conv, bn);
        folded = true;
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        var length = inputLength / filter;
        yield return new LayerRow(name, $"conv {filter}/{filter}{(padding > 0 ? $" pad {padding}" : "")}", conv.out_channels, length, this.Count(),
            length * conv.weight!.numel());
    }
}
