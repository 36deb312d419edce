using static TorchSharp.torch;

namespace SampleCnn.Data.Store;

/// <summary>All the segments of one clip, for evaluation: inputs [S, L] and the clip's targets [T].</summary>
internal sealed record ClipSegments(StoredClip Clip, float[] Samples, int Count, int SegmentLength, float[] Targets)
{
    public Tensor ToTensor(Device? device = null) => tensor(Samples, [Count, 1, SegmentLength]).to(device ?? CPU);
}
