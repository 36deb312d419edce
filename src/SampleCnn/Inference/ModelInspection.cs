using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>`inspect-model`: what a model file holds, as <see cref="TrainedModel"/> opens it.</summary>
/// <param name="Info">The file, its kind and layout, spec, tag count, segment length and sample rate.</param>
/// <param name="Definition">The spec written out in full (an alias's meaning), or null for TorchScript.</param>
/// <param name="Tags">Its tags in output order.</param>
/// <param name="Parameters">Trainable parameters.</param>
public sealed record ModelInspection(ModelInfo Info, string? Definition, IReadOnlyList<string> Tags, long Parameters)
{
    public static ModelInspection Of(string path, ModelOpenOptions options)
    {
        using var opened = TrainedModel.Open(path, options, CPU);
        var parameters = opened.Cnn?.Count() ?? ((nn.Module)opened.Network).parameters().Sum(p => p.numel());
        return new ModelInspection(opened.Info, opened.Cnn?.Spec.Definition, [.. opened.Tags], parameters);
    }
}
