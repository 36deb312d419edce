namespace SampleCnn.Visualization;

/// <summary>How far the ascent of a layer's filters got: <paramref name="Step"/> of <paramref name="Steps"/> (0 as the layer starts).</summary>
public sealed record AscentStep(int Layer, long Filters, int Step, int Steps);
