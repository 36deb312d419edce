using SampleCnn.Models;
using SampleCnn.Runs;

namespace SampleCnn.Experiments;

/// <summary>
/// A comparison's folder: runs/MODEL (one run folder per model, named from its spec), results.md and
/// results.csv (the table), roc-auc-vs-first-filter.png (the plot). Nothing else names these files.
/// </summary>
public sealed class ExperimentFolder(string path)
{
    public string Path { get; } = path;
    public string Runs => System.IO.Path.Combine(Path, "runs");
    public string ResultsMarkdown => System.IO.Path.Combine(Path, "results.md");
    public string ResultsCsv => System.IO.Path.Combine(Path, "results.csv");
    public string Plot => System.IO.Path.Combine(Path, "roc-auc-vs-first-filter.png");

    /// <summary>A model's run folder: its spec with the characters a file name should not hold replaced (3^9: 3_9, frame:729: frame-729).</summary>
    public RunFolder Run(ModelSpec model) =>
        new(System.IO.Path.Combine(Runs, model.ToString().Replace('^', '_').Replace(':', '-').Replace('/', '-')));
}
