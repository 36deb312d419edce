using SampleCnn.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Folds an eval-mode BatchNorm into the preceding convolution: with s = gamma / sqrt(var + eps),
/// w' = w s and b' = (b - mean) s + beta, so conv'(x) = bn(conv(x)) and one pass over the map is saved.
/// </summary>
internal static class BatchNormFolding
{
    public static void Fold(Conv1d conv, BatchNorm1d bn)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var eps = bn.eps.ToScalar();
        var scale = bn.weight! / bn.running_var!.add(eps, KeptScalars.One).sqrt();
        conv.weight!.mul_(scale.view(-1, 1, 1));
        conv.bias!.sub_(bn.running_mean!).mul_(scale).add_(bn.bias!, KeptScalars.One);
    }
}
