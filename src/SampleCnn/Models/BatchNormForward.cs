using SampleCnn.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// BatchNorm1d's forward, as TorchSharp 0.107 computes it, but with the count increment's Scalars kept
/// alive: TorchSharp's own forward calls <c>num_batches_tracked.add_(1)</c> with two temporary Scalars
/// (see <see cref="KeptScalars"/>). Same parameters, buffers and state dict as the module's forward.
/// Models call it through <see cref="BatchNormStatistics"/>, which picks the statistics.
/// </summary>
internal static class BatchNormForward
{
    public static Tensor Forward(BatchNorm1d bn, Tensor input)
    {
        double factor = bn.momentum ?? 0.0;
        if (bn.training && bn.track_running_stats && bn.num_batches_tracked is { } count)
        {
            count.add_(KeptScalars.One, KeptScalars.One);
            factor = bn.momentum ?? 1.0 / count.item<long>(); // null momentum: a cumulative average
        }
        bool statistics = !bn.training || bn.track_running_stats;
        return nn.functional.batch_norm(input, statistics ? bn.running_mean : null, statistics ? bn.running_var : null, bn.weight, bn.bias,
            bn.training || (bn.running_mean is null && bn.running_var is null), factor, bn.eps);
    }
}
