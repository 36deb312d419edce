using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Multi-level feature aggregation (Kim, Lee, Nam 2018): the last three modules' outputs, each
/// max-pooled over time, concatenated, then Dense(512) + BN + ReLU, Dropout 0.5, Dense(tags).
/// Returns logits.
/// </summary>
internal sealed class MultiLevelHead : nn.Module<IReadOnlyList<Tensor>, Tensor>, ITaggingHead, ILayerRows
{
    public const int Levels = 3;

    private readonly Linear hidden;
    private readonly BatchNorm1d bn;
    private readonly Dropout dropout;
    private readonly Linear dense;

    public MultiLevelHead(long concatenatedChannels, int tags, double dropoutRate, BatchNormSettings? batchNorm = null) : base(nameof(MultiLevelHead))
    {
        hidden = nn.Linear(concatenatedChannels, ClassifierHead.Width);
        bn = (batchNorm ?? BatchNormSettings.PyTorch).Create(ClassifierHead.Width);
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(ClassifierHead.Width, tags);
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
        var pooled = moduleOutputs.Skip(moduleOutputs.Count - Levels).Select(o => o.amax([2])).ToArray();
        return nn.functional.relu(bn.Normalize(hidden.forward(cat(pooled, 1)))).MoveToOuterDisposeScope();
    }

    public (string Penultimate, string Logits) AddTo(OnnxGraph graph, string name, IReadOnlyList<string> moduleOutputs)
    {
        var pooled = moduleOutputs.Skip(moduleOutputs.Count - Levels).Select(o => graph.OverTime("ReduceMax", o)).ToArray();
        var y = graph.Relu(graph.BatchNorm(bn, $"{name}.bn", graph.Linear(hidden, $"{name}.hidden", graph.Node("Concat", pooled, ("axis", 1L)))));
        return (y, graph.Linear(dense, $"{name}.dense", y));
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        yield return new LayerRow("aggregate", $"max over time of last {Levels}, concat", hidden.in_features, 1, 0, 0);
        yield return new LayerRow("dense 512", "dense", ClassifierHead.Width, 1, hidden.Count() + bn.Count(), hidden.weight!.numel());
        yield return new LayerRow("dropout", $"dropout {dropout.p}", ClassifierHead.Width, 1, 0, 0);
        yield return new LayerRow("dense", "dense, sigmoid", dense.out_features, 1, dense.Count(), dense.weight!.numel());
    }
}
