using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Runs;
using SampleCnn.Training;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>
/// Training as `train` shows it: a progress bar per epoch while it runs, then the epochs' metrics as a
/// table and why training stopped. One view serves every run of a command (each model of an experiment).
/// </summary>
sealed class TrainingView(IAnsiConsole console) : IProgress<TrainingProgress>, IDisposable
{
    readonly ProgressDisplay display = new(console,
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());
    ProgressTask? task;
    (int Epoch, Split? Caching) shown;

    public void Report(TrainingProgress p)
    {
        if (task is null || (p.Epoch, p.Caching) != shown)
        {
            task?.StopTask();
            task = display.AddTask($"epoch {p.Epoch}", Math.Max(1, p.Batches));
            shown = (p.Epoch, p.Caching);
        }
        if (p.Caching is { } split)
        {
            task.Description = $"caching the frozen body's features: {split.Name()} split, {F(p.SegmentsPerSecond, "F1")} segments/s";
            task.Value = p.Batch;
            return;
        }
        task.Description = $"epoch {p.Epoch}, stage {p.Stage + 1} (lr {F(p.LearningRate, "G3")}), loss {F(p.Loss, "F4")}, {F(p.SegmentsPerSecond, "F1")} segments/s{(p.Validating ? ", validating" : "")}";
        if (!p.Validating) task.Value = p.Batch;
    }

    /// <summary>Ends the bars of the run that stopped (the next report starts a new display).</summary>
    public void Close()
    {
        task?.StopTask();
        task = null;
        display.Close();
    }

    /// <summary>Ends the bars and shows the run's epochs, why it stopped, and its files.</summary>
    public void Show(TrainingResult result)
    {
        Close();
        var table = new Table().Border(TableBorder.Simple).AddColumns("epoch", "stage", "lr", "train loss", "valid loss", "ROC-AUC", "PR-AUC", "s", "seg/s");
        foreach (var m in result.Metrics)
            table.AddRow($"{m.Epoch}", $"{m.Stage + 1}", F(m.LearningRate, "G3"), F(m.TrainLoss, "F4"), F(m.ValidLoss, "F4"),
                F(m.ValidRocAuc, "F4"), F(m.ValidPrAuc, "F4"), F(m.Seconds, "F1"), F(m.SegmentsPerSecond, "F1"));
        console.Write(table);
        console.MarkupLineInterpolated($"stopped: {Stopped(result)}; best valid loss {F(result.State.BestValidLoss, "F4")}");
        var run = result.Run;
        console.MarkupLineInterpolated($"wrote {run.Config}, {run.Metrics}, {run.TensorBoard}/, {run.Best}, {run.Last}");
    }

    public void Dispose() => Close();

    /// <summary>Why training stopped, in the options' terms.</summary>
    static string Stopped(TrainingResult result) => result.State.Finished switch
    {
        StopReason.EpochLimit => $"--max-epochs {result.Options.MaxEpochs} reached",
        StopReason.TimeLimit => $"--max-minutes {result.Options.MaxMinutes?.ToString(CultureInfo.InvariantCulture)} reached",
        StopReason.LastStageEnded => "the last learning-rate stage ended",
        var other => $"{other}",
    };

    static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
