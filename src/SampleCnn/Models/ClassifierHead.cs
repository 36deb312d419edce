using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The paper's head on the last module's length-1 map: Conv1d(kernel 1, 512) + BN + ReLU,
/// Dropout 0.5, Dense(tags). Returns logits; the network applies the sigmoid.
/// The published checkpoints' variants: the last conv of another kernel ("same" padding), the last conv as a
/// Won et al. ReSE-2 block (<c>last</c>), and a hidden dense 512 + BN + ReLU before the dropout (<c>hidden</c>).
/// </summary>
internal sealed class ClassifierHead : nn.Module<IReadOnlyList<Tensor>, Tensor>, ITaggingHead, ILayerRows, IFoldable
{
    public const int Width = 512;

    private readonly Conv1d? conv;
    private readonly BatchNorm1d? bn;
    private readonly ReSe2Module? last;
    private readonly Linear? hidden;
    private readonly BatchNorm1d? hiddenBn;
    private readonly Dropout dropout;
    private readonly Linear dense;
    private readonly int kernel;
    private bool folded;

    public ClassifierHead(long inChannels, int tags, double dropoutRate, BatchNormSettings? batchNorm = null,
        int lastKernel = 1, bool residualLast = false, bool denseHead = false) : base(nameof(ClassifierHead))
    {
        batchNorm ??= BatchNormSettings.PyTorch;
        kernel = lastKernel;
        if (residualLast) last = new ReSe2Module(inChannels, Width, lastKernel, batchNorm, won: true, pool: 1);
        else
        {
            conv = lastKernel == 1 ? nn.Conv1d(inChannels, Width, 1) : nn.Conv1d(inChannels, Width, lastKernel, Padding.Same);
            bn = batchNorm.Create(Width);
        }
        if (denseHead)
        {
            hidden = nn.Linear(Width, Width);
            hiddenBn = batchNorm.Create(Width);
        }
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(Width, tags);
        RegisterComponents();
    }

    public override Tensor forward(IReadOnlyList<Tensor> moduleOutputs)
    {
        using var scope = NewDisposeScope();
        return Output(Penultimate(moduleOutputs)).MoveToOuterDisposeScope();
    }

    public Tensor Output(Tensor penultimate)
    {
        using var scope = NewDisposeScope();
        return dense.forward(dropout.forward(penultimate)).MoveToOuterDisposeScope();
    }

    public Tensor Penultimate(IReadOnlyList<Tensor> moduleOutputs)
    {
        using var scope = NewDisposeScope();
        return Hidden(LastConv(moduleOutputs)).MoveToOuterDisposeScope();
    }

    /// <summary>The last conv's output [batch, 512], flattened: what the hidden dense layer reads (the penultimate without one).</summary>
    public Tensor LastConv(IReadOnlyList<Tensor> moduleOutputs)
    {
        using var scope = NewDisposeScope();
        Tensor y;
        if (last is not null) y = last.forward(moduleOutputs[^1]);
        else
        {
            y = conv!.forward(moduleOutputs[^1]);
            y = nn.functional.relu(folded ? y : bn!.Normalize(y));
        }
        return y.flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>The hidden dense 512 + BN + ReLU on the last conv's output, when the head has one.</summary>
    public Tensor Hidden(Tensor lastConv)
    {
        if (hidden is null) return lastConv.alias();
        using var scope = NewDisposeScope();
        return nn.functional.relu(hiddenBn!.Normalize(hidden.forward(lastConv))).MoveToOuterDisposeScope();
    }

    public (string Penultimate, string Logits) AddTo(OnnxGraph graph, string name, IReadOnlyList<string> moduleOutputs)
    {
        var y = last is not null ? last.AddTo(graph, $"{name}.last", moduleOutputs[^1])
            : graph.Relu(graph.FoldedOr(folded, bn!, $"{name}.bn", graph.Conv(conv!, $"{name}.conv", moduleOutputs[^1], 1, kernel == 1 ? 0 : null)));
        y = graph.Node("Flatten", [y], ("axis", 1L));
        if (hidden is not null) y = graph.Relu(graph.BatchNorm(hiddenBn!, $"{name}.hiddenBn", graph.Linear(hidden, $"{name}.hidden", y)));
        return (y, graph.Linear(dense, $"{name}.dense", y));
    }

    public void FoldBatchNorm()
    {
        if (folded || conv is null) return;
        BatchNormFolding.Fold(conv, bn!);
        folded = true;
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        if (last is not null)
            foreach (var row in last.Rows("last conv", inputLength)) yield return row;
        else if (kernel == 1)
            yield return new LayerRow("1x1 conv", "conv 1/1", Width, inputLength, conv!.Count() + bn!.Count(), inputLength * conv!.weight!.numel());
        else
            yield return new LayerRow("last conv", $"conv {kernel}/1 same", Width, inputLength, conv!.Count() + bn!.Count(), inputLength * conv!.weight!.numel());
        if (hidden is not null)
            yield return new LayerRow("dense 512", "dense", Width, 1, hidden.Count() + hiddenBn!.Count(), hidden.weight!.numel());
        yield return new LayerRow("dropout", $"dropout {dropout.p}", Width, inputLength, 0, 0);
        yield return new LayerRow("dense", "dense, sigmoid", dense.out_features, 1, dense.Count(), dense.weight!.numel());
    }
}
