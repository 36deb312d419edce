using SampleCnn.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// ReSE-2 (Kim, Lee, Nam 2018): conv-BN-ReLU-conv-BN, squeeze-and-excitation, plus the input
/// (through a 1x1 conv + BN where the channel count changes, as in ResNet), ReLU, max-pool m.
/// Won et al. 2020's form (<see cref="BlockKind.ReSe2Won"/>, <paramref name="won"/>) differs only in its parts: SE
/// without a bottleneck, and the shortcut projected by a conv of the block's kernel, stride and padding where the
/// stride or the channel count changes; it also serves as a strided layer 1 and as the last conv (pool 1).
/// </summary>
internal sealed class ReSe2Module : nn.Module<Tensor, Tensor>, ILayerRows, IOnnxNodes
{
    private readonly Conv1d conv1;
    private readonly BatchNorm1d bn1;
    private readonly Conv1d conv2;
    private readonly BatchNorm1d bn2;
    private readonly SqueezeExcite se;
    private readonly Conv1d? project;
    private readonly BatchNorm1d? projectBn;
    private readonly MaxPool1d pool;
    private readonly int kernel, stride, pooling;
    private readonly int? padding;
    private readonly bool won;

    /// <param name="padding">Zero samples at each end of the first conv (and a Won projection); null: "same".</param>
    /// <param name="pool">Max-pool size; the kernel when null.</param>
    public ReSe2Module(long inChannels, long outChannels, int kernel, BatchNormSettings? batchNorm = null,
        bool won = false, int stride = 1, int? padding = null, int? pool = null) : base(nameof(ReSe2Module))
    {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.won = won;
        pooling = pool ?? kernel;
        batchNorm ??= BatchNormSettings.PyTorch;
        conv1 = Conv(inChannels, outChannels, kernel, stride, padding);
        bn1 = batchNorm.Create(outChannels);
        conv2 = nn.Conv1d(outChannels, outChannels, kernel, Padding.Same);
        bn2 = batchNorm.Create(outChannels);
        se = new SqueezeExcite(outChannels, won ? 1 : SqueezeExcite.Reduction);
        if (inChannels != outChannels || stride != 1)
        {
            project = won ? Conv(inChannels, outChannels, kernel, stride, padding) : nn.Conv1d(inChannels, outChannels, 1);
            projectBn = batchNorm.Create(outChannels);
        }
        this.pool = nn.MaxPool1d(pooling);
        RegisterComponents();
    }

    static Conv1d Conv(long inChannels, long outChannels, int kernel, int stride, int? padding) =>
        padding is { } p ? nn.Conv1d(inChannels, outChannels, kernel, stride: stride, padding: p) : nn.Conv1d(inChannels, outChannels, kernel, Padding.Same);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return pool.forward(Activation(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The block's activation after the final ReLU, before the max-pool.</summary>
    public Tensor Activation(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.Normalize(conv1.forward(x)));
        y = se.forward(bn2.Normalize(conv2.forward(y)));
        var shortcut = project is null ? x : projectBn!.Normalize(project.forward(x));
        return nn.functional.relu(y.add(shortcut, KeptScalars.One)).MoveToOuterDisposeScope();
    }

    public string AddTo(OnnxGraph graph, string name, string input)
    {
        var y = graph.Relu(graph.BatchNorm(bn1, $"{name}.bn1", graph.Conv(conv1, $"{name}.conv1", input, stride, padding)));
        y = se.AddTo(graph, $"{name}.se", graph.BatchNorm(bn2, $"{name}.bn2", graph.Conv(conv2, $"{name}.conv2", y, 1, null)));
        var shortcut = project is null ? input
            : graph.BatchNorm(projectBn!, $"{name}.projectBn", won ? graph.Conv(project, $"{name}.project", input, stride, padding) : graph.Conv(project, $"{name}.project", input, 1, 0));
        return graph.MaxPool(graph.Quantized(name, graph.Relu(graph.Node("Add", [y, shortcut]))), pooling);
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        var convLength = padding is { } p ? (inputLength + 2 * p - kernel) / stride + 1 : inputLength;
        var macs = convLength * (conv1.weight!.numel() + conv2.weight!.numel() + (project?.weight!.numel() ?? 0))
                   + se.MultiplyAccumulates;
        var op = won
            ? $"ReSE-2 {kernel}/{stride}{(padding > 0 ? $" pad {padding}" : "")}{(project is null ? "" : " + conv skip")}{(pooling > 1 ? $", pool {pooling}" : "")}"
            : $"ReSE-2 {kernel}/1{(project is null ? "" : " + 1x1 skip")}, pool {kernel}";
        yield return new LayerRow(name, op, conv1.out_channels, convLength / pooling, this.Count(), macs);
    }
}
