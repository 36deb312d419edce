using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The paper's head on the last module's length-1 map: Conv1d(kernel 1, 512) + BN + ReLU,
/// Dropout 0.5, Dense(tags). Returns logits; the network applies the sigmoid.
/// </summary>
internal sealed class ClassifierHead : nn.Module<IReadOnlyList<Tensor>, Tensor>, ILayerRows, IFoldable
{
    public const int Width = 512;

    private readonly Conv1d conv;
    private readonly BatchNorm1d bn;
    private readonly Dropout dropout;
    private readonly Linear dense;
    private bool folded;

    public ClassifierHead(long inChannels, int tags, double dropoutRate, BatchNormSettings? batchNorm = null) : base(nameof(ClassifierHead))
    {
        conv = nn.Conv1d(inChannels, Width, 1);
        bn = (batchNorm ?? BatchNormSettings.PyTorch).Create(Width);
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(Width, tags);
        RegisterComponents();
    }

    public override Tensor forward(IReadOnlyList<Tensor> moduleOutputs)
    {
        using var scope = NewDisposeScope();
        var y = conv.forward(moduleOutputs[^1]);
        y = nn.functional.relu(folded ? y : bn.Normalize(y));
        return dense.forward(dropout.forward(y.flatten(1))).MoveToOuterDisposeScope();
    }

    public void FoldBatchNorm()
    {
        if (folded) return;
        BatchNormFolding.Fold(conv, bn);
        folded = true;
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        yield return new LayerRow("1x1 conv", "conv 1/1", Width, inputLength, conv.Count() + bn.Count(), inputLength * conv.weight!.numel());
        yield return new LayerRow("dropout", $"dropout {dropout.p}", Width, inputLength, 0, 0);
        yield return new LayerRow("dense", "dense, sigmoid", dense.out_features, 1, dense.Count(), dense.weight!.numel());
    }
}
