using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The paper's module: Conv1d(kernel m, stride 1, "same" padding) + BatchNorm + ReLU + MaxPool(m),
/// optionally with squeeze-and-excitation after the ReLU. "Same" with an even m pads one more on the
/// right, as Keras and PyTorch both do.
/// </summary>
internal sealed class ConvModule : nn.Module<Tensor, Tensor>, ILayerRows, IFoldable, IOnnxNodes
{
    private readonly Conv1d conv;
    private readonly BatchNorm1d bn;
    private readonly SqueezeExcite? se;
    private readonly MaxPool1d pool;
    private readonly int m;
    private bool folded;

    public ConvModule(long inChannels, long outChannels, int m, bool squeezeExcite, BatchNormSettings? batchNorm = null) : base(nameof(ConvModule))
    {
        this.m = m;
        conv = nn.Conv1d(inChannels, outChannels, m, Padding.Same);
        bn = (batchNorm ?? BatchNormSettings.PyTorch).Create(outChannels);
        se = squeezeExcite ? new SqueezeExcite(outChannels) : null;
        pool = nn.MaxPool1d(m);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (se is not null) return pool.forward(Activation(x)).MoveToOuterDisposeScope();
        // Training: the same steps in the channels-last layout (an odd m's "same" padding is symmetric).
        if (m % 2 == 1 && !folded && ChannelsLast.Applies(this))
            return ChannelsLast.Squeezed(nn.functional.max_pool2d(bn.Normalize(ChannelsLast.Conv(conv, x, 1, m / 2)), [1, m]).relu_()).MoveToOuterDisposeScope();
        // The max commutes with ReLU (the same values, and the same gradients: the first maximum of a window is the
        // first maximum after the ReLU where it is positive, and no gradient passes where it is not), so the ReLU runs
        // on the pooled third, in place, and the BatchNorm output need not be kept for the backward pass.
        // An even m after the channels-last front end: its input made contiguous, so the conv's output is too and the
        // pool below takes the view max, not libtorch's slower max_pool1d.
        var y = conv.forward(x.is_contiguous() ? x : x.contiguous());
        return MaxPool(folded ? y : bn.Normalize(y)).relu_().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The max-pool outside the channels-last training layout (the filter visualisation's gradients, an even m). When a
    /// gradient will flow, as the max over windows of a [.., length / m, m] view: the same values and gradients as
    /// libtorch 2.10's max_pool1d with indices (first maximum), in about half its time.
    /// </summary>
    Tensor MaxPool(Tensor y)
    {
        long length = y.shape[^1];
        if (!(y.requires_grad && is_grad_enabled()) || length % m != 0 || !y.is_contiguous()) return pool.forward(y);
        var (values, _) = y.view(y.shape[0], y.shape[1], length / m, m).max(-1);
        return values;
    }

    /// <summary>The module's activation after the ReLU (and SE), before the max-pool.</summary>
    public Tensor Activation(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv.forward(x);
        y = nn.functional.relu(folded ? y : bn.Normalize(y));
        if (se is not null) y = se.forward(y);
        return y.MoveToOuterDisposeScope();
    }

    public string AddTo(OnnxGraph graph, string name, string input)
    {
        var y = graph.Relu(graph.FoldedOr(folded, bn, $"{name}.bn", graph.Conv(conv, $"{name}.conv", input, 1, null)));
        if (se is not null) y = se.AddTo(graph, $"{name}.se", y);
        return graph.MaxPool(graph.Quantized(name, y), m);
    }

    public void FoldBatchNorm()
    {
        if (folded) return;
        BatchNormFolding.Fold(conv, bn);
        folded = true;
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        var macs = inputLength * conv.weight!.numel() + (se?.MultiplyAccumulates ?? 0);
        var op = $"conv {m}/1{(se is null ? "" : " + SE")}, pool {m}";
        yield return new LayerRow(name, op, conv.out_channels, inputLength / m, this.Count(), macs);
    }
}
