using SampleCnn.Experiments;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>
/// An experiment as it runs: a rule per model, its training as `train` shows it, a line for its
/// evaluation or its failure; at the end the table as written to results.md.
/// </summary>
sealed class ExperimentView(IAnsiConsole console) : IProgress<ExperimentProgress>, IDisposable
{
    readonly TrainingView training = new(console);

    public void Report(ExperimentProgress p)
    {
        switch (p.Step)
        {
            case ExperimentStep.Started:
                console.Write(new Rule($"[bold]{Markup.Escape(p.Model.ToString())}[/] ({p.Model.InputSamples} samples, first filter {p.Model.Filter})").LeftJustified());
                if (p.Resumed) console.MarkupLineInterpolated($"[grey]resuming the run in {p.Run.Path}[/]");
                break;
            case ExperimentStep.FinishedEarlier:
                console.MarkupLine("[grey]finished earlier: not retrained[/]");
                break;
            case ExperimentStep.Training:
                training.Report(p.Training);
                break;
            case ExperimentStep.Trained:
                training.Show(p.Trained!);
                break;
            case ExperimentStep.Evaluated:
                var (report, files) = p.Evaluated!;
                console.MarkupLineInterpolated($"{report.Split} split, epoch {report.Epoch}: macro ROC-AUC {EvaluationView.F(report.MacroRocAuc)}, PR-AUC {EvaluationView.F(report.MacroPrAuc)} on {report.Clips} clips; wrote {files.Json}");
                break;
            case ExperimentStep.Failed:
                training.Close();
                console.MarkupLineInterpolated($"[red]{p.Model}: {p.Failure}[/]");
                break;
        }
    }

    public void Show(ExperimentResult result)
    {
        console.WriteLine(result.Markdown);
        var folder = result.Folder;
        console.MarkupLineInterpolated($"wrote {folder.ResultsMarkdown}, {Path.GetFileName(folder.ResultsCsv)}, {Path.GetFileName(folder.Plot)} and {Path.GetFileName(folder.Runs)}/ in {folder.Path}");
    }

    public void Dispose() => training.Dispose();
}
