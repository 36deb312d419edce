namespace SampleCnn.Models;

/// <summary>A part of the network that can describe itself as rows of the layer table.</summary>
internal interface ILayerRows
{
    /// <summary>The rows this part adds, given the length of its input.</summary>
    IEnumerable<LayerRow> Rows(string name, long inputLength);
}
