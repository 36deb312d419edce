using SampleCnn.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// ReSE-2 (Kim, Lee, Nam 2018): conv-BN-ReLU-conv-BN, squeeze-and-excitation, plus the input
/// (through a 1x1 conv + BN where the channel count changes, as in ResNet), ReLU, max-pool m.
/// </summary>
internal sealed class ReSe2Module : nn.Module<Tensor, Tensor>, ILayerRows
{
    private readonly Conv1d conv1;
    private readonly BatchNorm1d bn1;
    private readonly Conv1d conv2;
    private readonly BatchNorm1d bn2;
    private readonly SqueezeExcite se;
    private readonly Conv1d? project;
    private readonly BatchNorm1d? projectBn;
    private readonly MaxPool1d pool;
    private readonly int m;

    public ReSe2Module(long inChannels, long outChannels, int m, BatchNormSettings? batchNorm = null) : base(nameof(ReSe2Module))
    {
        this.m = m;
        batchNorm ??= BatchNormSettings.PyTorch;
        conv1 = nn.Conv1d(inChannels, outChannels, m, Padding.Same);
        bn1 = batchNorm.Create(outChannels);
        conv2 = nn.Conv1d(outChannels, outChannels, m, Padding.Same);
        bn2 = batchNorm.Create(outChannels);
        se = new SqueezeExcite(outChannels);
        if (inChannels != outChannels)
        {
            project = nn.Conv1d(inChannels, outChannels, 1);
            projectBn = batchNorm.Create(outChannels);
        }
        pool = nn.MaxPool1d(m);
        RegisterComponents();
    }

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

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        var macs = inputLength * (conv1.weight!.numel() + conv2.weight!.numel() + (project?.weight!.numel() ?? 0))
                   + se.MultiplyAccumulates;
        var op = $"ReSE-2 {m}/1{(project is null ? "" : " + 1x1 skip")}, pool {m}";
        yield return new LayerRow(name, op, conv1.out_channels, inputLength / m, this.Count(), macs);
    }
}
