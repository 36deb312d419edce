using static TorchSharp.torch;

namespace SampleCnn.Data.Store;

/// <summary>A training batch as flat arrays: <see cref="Count"/> segments of the plan's length and their clips' tag targets.</summary>
internal sealed record Batch(float[] Samples, float[] Targets, int Count, int SegmentLength, int Tags)
{
    /// <summary>Inputs [B, 1, L] and targets [B, T] on a device.</summary>
    public (Tensor Inputs, Tensor Targets) ToTensors(Device? device = null) =>
        (tensor(Samples, [Count, 1, SegmentLength]).to(device ?? CPU), tensor(Targets, [Count, Tags]).to(device ?? CPU));
}
