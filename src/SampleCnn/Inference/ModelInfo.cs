using SampleCnn.Models;

namespace SampleCnn.Inference;

/// <summary>
/// What was opened: the file, its kind, the model spec ("TorchScript" for a script), its tags, segment length and
/// sample rate, its epoch when the file records one, and a state_dict's key layout (ours or a published checkpoint's).
/// </summary>
public sealed record ModelInfo(ModelKind Kind, string Path, string Spec, int TagCount, int SegmentSamples, int? Epoch, int SampleRate, WeightsLayout? Layout = null)
{
    /// <summary>One line for a front end to show, e.g. "runs/3-9/best.ckpt: SampleCnn checkpoint, 3^9, 50 tags, 22050 Hz, epoch 12".</summary>
    public string Description => Kind switch
    {
        ModelKind.Checkpoint => FormattableString.Invariant($"{Path}: SampleCnn checkpoint, {Spec}, {TagCount} tags, {SampleRate} Hz, epoch {Epoch}"),
        ModelKind.StateDict when Layout is null || Layout == WeightsLayout.SampleCnn => FormattableString.Invariant($"{Path}: PyTorch state_dict, {Spec}, {TagCount} tags, {SampleRate} Hz"),
        ModelKind.StateDict => FormattableString.Invariant($"{Path}: {Layout.Title} state_dict, {Spec}, {TagCount} tags, {SampleRate} Hz"),
        _ => FormattableString.Invariant($"{Path}: TorchScript, {TagCount} tags, {SegmentSamples}-sample segments at {SampleRate} Hz"),
    };
}
