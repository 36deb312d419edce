namespace SampleCnn.Models;

/// <summary>The layer table of a model and its totals per segment.</summary>
public sealed record ModelSummary(ModelSpec Spec, int Tags, IReadOnlyList<LayerRow> Rows, long Parameters, long MultiplyAccumulates)
{
    /// <summary>`summary`: the table of a model built from its spec text, as the paper's tables give it.</summary>
    public static ModelSummary Of(string spec, int tags)
    {
        using var model = new TaggingCnn(ModelSpec.Parse(spec), tags);
        return Of(model);
    }

    public static ModelSummary Of(TaggingCnn model)
    {
        var rows = model.LayerTable();
        return new ModelSummary(model.Spec, model.Tags, rows, model.Count(), rows.Sum(r => r.MultiplyAccumulates));
    }
}
