namespace SampleCnn.Experiments;

/// <summary>A comparison's rows, its table as written to results.md, and its folder (where the table, plot and runs are).</summary>
public sealed record ExperimentResult(IReadOnlyList<ExperimentRow> Rows, string Markdown, ExperimentFolder Folder)
{
    /// <summary>The models without a result; running the comparison again retries them.</summary>
    public IReadOnlyList<ExperimentRow> Failed => [.. Rows.Where(r => r.Failure is not null)];
}
