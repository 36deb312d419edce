using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// A network's tag scores and its embedding from one pass: [batch, tags + 512], the sigmoid scores, then the 512-wide
/// vector the dense output layer reads (<see cref="TaggingCnn.Penultimate"/>), for `tag --parts --embedding`.
/// </summary>
internal sealed class ScoresAndEmbedding : nn.Module<Tensor, Tensor>
{
    public const int Width = ClassifierHead.Width;

    private readonly TaggingCnn cnn;

    public ScoresAndEmbedding(TaggingCnn cnn) : base(nameof(ScoresAndEmbedding))
    {
        this.cnn = cnn;
        RegisterComponents(); // a submodule, so eval(), to(device) and to(bf16) reach the network
    }

    public override Tensor forward(Tensor waveform)
    {
        using var scope = NewDisposeScope();
        var penultimate = cnn.Penultimate(waveform);
        return cat([cnn.LogitsFrom(penultimate, beforeHidden: false).sigmoid(), penultimate], 1).MoveToOuterDisposeScope();
    }
}
