using SampleCnn.Inference;

namespace SampleCnn.Visualization;

/// <summary>What `visualize` drew: the model, the layers in order, and with which BatchNorm statistics.</summary>
public sealed record FilterVisualizationResult(ModelInfo Model, string Folder, AscentBatchNorm BatchNorm, IReadOnlyList<LayerSummary> Layers)
{
    public IEnumerable<string> Files => Layers.SelectMany(l => l.Files);
}
