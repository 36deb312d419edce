namespace SampleCnn.Models;

/// <summary>The layer table of a model and its totals per segment.</summary>
public sealed record ModelSummary(ModelSpec Spec, int Tags, IReadOnlyList<LayerRow> Rows, long Parameters, long MultiplyAccumulates)
{
    public static ModelSummary Of(TaggingCnn model)
    {
        var rows = model.LayerTable();
        return new ModelSummary(model.Spec, model.Tags, rows, model.Count(), rows.Sum(r => r.MultiplyAccumulates));
    }
}
