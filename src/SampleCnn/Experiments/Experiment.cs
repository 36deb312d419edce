using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Training;
using TorchSharp;

namespace SampleCnn.Experiments;

/// <summary>
/// The paper's comparisons as one workflow: trains each model with the same recipe and budget on one
/// store, evaluates its best checkpoint on the test split, and tabulates the results in the paper's form.
/// Each model has its own run folder; a finished one is not retrained, a started one resumes. A model that
/// fails is recorded in the table with the reason and the others still run.
/// </summary>
public static class Experiment
{
    public static ExperimentResult Run(ExperimentOptions options, torch.Device device, IProgress<ExperimentProgress>? progress = null, CancellationToken cancel = default)
    {
        if (options.Models.Count == 0) throw new OptionException(nameof(options.Models), "models to compare", null, "give at least one");
        var folder = new ExperimentFolder(options.Out);
        using var store = SegmentStore.Open(options.Store);
        var rows = new List<ExperimentRow>();
        foreach (var spec in options.Models)
        {
            cancel.ThrowIfCancellationRequested();
            var run = folder.Run(spec);
            ExperimentProgress At(ExperimentStep step) => new(spec, run, step);
            var evaluation = run.Evaluation(Split.Test.Name(), "best").Json;
            var finished = File.Exists(evaluation);
            progress?.Report(At(ExperimentStep.Started) with { Resumed = !finished && run.WasStarted });
            string? failure = null;
            EvaluationReport? report = null;
            if (finished)
            {
                report = EvaluationReport.Read(evaluation);
                progress?.Report(At(ExperimentStep.FinishedEarlier));
            }
            else
            {
                try
                {
                    var training = new TrainingOptions
                    {
                        Model = spec.ToString(), Seed = options.Seed, SegmentsPerClip = options.SegmentsPerClip,
                        MaxEpochs = options.Budget.Epochs, MaxMinutes = options.Budget.Minutes,
                    };
                    var epochs = progress is null ? null : new SynchronousProgress<TrainingProgress>(p => progress.Report(At(ExperimentStep.Training) with { Training = p }));
                    // A run killed before its first checkpoint has its config: it resumes too.
                    var trained = Trainer.Run(store, run, training, device, resume: run.WasStarted, progress: epochs, cancel: cancel);
                    progress?.Report(At(ExperimentStep.Trained) with { Trained = trained });
                    var evaluated = RunEvaluation.Evaluate(run, new RunEvaluationOptions(Store: options.Store), device, cancel);
                    report = evaluated.Report;
                    progress?.Report(At(ExperimentStep.Evaluated) with { Evaluated = evaluated });
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One model's failure is its row's result; the comparison goes on with the next model.
                    failure = $"failed: {MessageText.OneLine(e.Message)}";
                    progress?.Report(At(ExperimentStep.Failed) with { Failure = failure });
                }
            }
            var metrics = run.ReadMetrics();
            using var model = new TaggingCnn(spec, store.Vocabulary.Count);
            rows.Add(new ExperimentRow(spec, model.Count(), report?.MacroRocAuc ?? double.NaN, report?.MacroPrAuc ?? double.NaN,
                metrics.Sum(m => m.Seconds) / 60, metrics.Count, failure));
        }

        Directory.CreateDirectory(folder.Path);
        var markdown = ExperimentTable.Markdown(rows, options);
        AtomicFile.WriteAllText(folder.ResultsMarkdown, markdown);
        AtomicFile.WriteAllText(folder.ResultsCsv, ExperimentTable.Csv(rows));
        ExperimentPlot.Write(folder.Plot, [.. rows.Where(r => r.Failure is null)]);
        return new ExperimentResult(rows, markdown, folder);
    }
}
