using Parquet;
using Parquet.Schema;

namespace SampleCnn.Tagging;

/// <summary>
/// A Parquet column of float32 lists that all have one width (embeddings), written as raw parts: repetition level 0
/// starts a row's list, 1 continues it, and every value is defined at the deepest level (the list and its element
/// present). Both the embedding files and the tag parts write their vectors through it.
/// </summary>
internal static class FloatLists
{
    /// <param name="values">The rows' lists one after another, <paramref name="width"/> values each.</param>
    public static Task Write(ParquetRowGroupWriter group, DataField element, float[] values, int width)
    {
        var repetition = new int[values.Length];
        for (int start = 0; start < values.Length; start += width) repetition.AsSpan(start + 1, width - 1).Fill(1);
        var definition = new int[values.Length];
        Array.Fill(definition, element.MaxDefinitionLevel);
        return group.WriteAllPartsAsync<float>(element, values, definition, repetition, default);
    }
}
