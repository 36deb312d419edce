using System.Globalization;
using System.Text;
using SampleCnn.Evaluation;
using SampleCnn.Platform;

namespace SampleCnn.Experiments;

/// <summary>The comparison's table in the paper's form: Markdown to read, CSV to process.</summary>
internal static class ExperimentTable
{
    public static string Markdown(IReadOnlyList<ExperimentRow> rows, ExperimentOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Store {options.Store}, {options.Budget}, seed {options.Seed}, test split, {EvaluationProtocol.Paper.ToString().ToLowerInvariant()} protocol (clip = mean of segments).");
        text.AppendLine();
        text.AppendLine("| model | first filter | input samples | input ms | parameters | ROC-AUC | PR-AUC | training min | epochs |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var result = r.Failure is null ? string.Create(CultureInfo.InvariantCulture, $"{r.RocAuc:F4} | {r.PrAuc:F4}") : $"{r.Failure.Replace("|", "\\|")} | -";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Model} | {r.FirstFilter} | {r.InputSamples} | {r.InputMs:F0} | {r.Parameters:N0} | {result} | {r.TrainingMinutes:F1} | {r.Epochs} |");
        }
        return text.ToString();
    }

    /// <summary>Unrounded metrics; a failed model's are empty and its status holds the reason.</summary>
    public static string Csv(IReadOnlyList<ExperimentRow> rows) =>
        string.Join('\n', ["model,first_filter,input_samples,input_ms,parameters,roc_auc,pr_auc,training_minutes,epochs,status",
            .. rows.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Model},{r.FirstFilter},{r.InputSamples},{r.InputMs:F0},{r.Parameters},{(r.Failure is null ? r.RocAuc : "")},{(r.Failure is null ? r.PrAuc : "")},{r.TrainingMinutes:F2},{r.Epochs},{CsvText.Field(r.Failure ?? "ok")}"))]) + "\n";
}
