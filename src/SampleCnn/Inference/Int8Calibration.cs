using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// The calibration of the static int8 ONNX graph: the range of every quantized activation over real segments, the
/// first <see cref="Segments"/> of a store's training split (in index order), run through the folded fp32 network.
/// </summary>
internal static class Int8Calibration
{
    public const int Segments = 256;

    /// <summary>Folds <paramref name="cnn"/>'s BatchNorms (its int8 weights are those of the folded convolutions) and measures its ranges.</summary>
    public static Dictionary<string, (float Min, float Max)> Ranges(TaggingCnn cnn, string storeFolder, int segments = Segments)
    {
        using var store = SegmentStore.Open(storeFolder);
        store.RequireSampleRate(cnn.Spec);
        var length = (int)cnn.Spec.InputSamples;
        var loader = new BatchLoader(store, Split.Train, new SegmentPlan(length, null, length));
        if (loader.SegmentCount == 0)
            throw new InvalidDataException($"{store.Folder}: the train split has no segment of {length} samples to calibrate the int8 network on");
        cnn.FoldBatchNorm();
        return cnn.ActivationRanges(Batches(loader, segments));
    }

    static IEnumerable<Tensor> Batches(BatchLoader loader, int segments)
    {
        foreach (var clip in loader.ClipByClip())
        {
            if (segments <= 0) yield break;
            using var all = clip.ToTensor();
            using var batch = all[..Math.Min(segments, clip.Count)];
            segments -= clip.Count;
            yield return batch;
        }
    }
}
