using SampleCnn.Data.Store;
using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;
using TorchSharp;

namespace SampleCnn.Evaluation;

/// <summary>
/// `evaluate`: scores a model on a split of a store the way the paper reports it (or Won et al. 2020) and keeps
/// the report. A run's checkpoint is scored on the store and segments the run trained on unless told otherwise,
/// its report kept in the run folder; any other model file (a published checkpoint, a state_dict, a checkpoint
/// elsewhere) needs the store named, and its report is kept beside it or in a folder given.
/// </summary>
public static class RunEvaluation
{
    public static RunEvaluationResult Evaluate(RunFolder run, RunEvaluationOptions options, torch.Device device, CancellationToken cancel = default)
    {
        var config = run.ReadConfigIfAny();
        using var opened = TrainedModel.OpenCnn(run.CheckpointPath(options.Checkpoint), new ModelOpenOptions(), device, "evaluated");
        var storeFolder = options.Store ?? config?.Store
            ?? throw new OptionException(nameof(options.Store), "store", null, $"{run.Path} records none (it has no config); name the store to evaluate on");
        return Score(opened, config, storeFolder, options, split => run.Evaluation(split, options.Checkpoint), device, cancel);
    }

    /// <param name="folder">Where to keep the report; null: beside the model file.</param>
    public static RunEvaluationResult EvaluateModel(string model, ModelOpenOptions open, RunEvaluationOptions options, string? folder, torch.Device device, CancellationToken cancel = default)
    {
        var storeFolder = options.Store
            ?? throw new OptionException(nameof(options.Store), "store", null, $"{model} is not a run and records none; name the store to evaluate on");
        using var opened = TrainedModel.OpenCnn(model, open, device, "evaluated");
        var kept = new RunFolder(folder ?? Path.GetDirectoryName(Path.GetFullPath(model))!);
        Directory.CreateDirectory(kept.Path);
        return Score(opened, null, storeFolder, options, split => kept.Evaluation(split, model), device, cancel);
    }

    static RunEvaluationResult Score(TrainedModel opened, TrainingOptions? config, string storeFolder, RunEvaluationOptions options,
        Func<string, EvaluationFiles> filesFor, torch.Device device, CancellationToken cancel)
    {
        using var whole = SegmentStore.Open(storeFolder);
        var store = config?.Tags is { } trained ? whole.WithTags(trained) : whole; // a run on some of the store's tags is scored on those
        // The paper's protocol scores the segments the run trained on unless told; Won et al.'s sets its own, so it gets only what was given (to refuse it).
        (int? segments, int? hop) = options.Protocol == EvaluationProtocol.Paper
            ? (options.SegmentsPerClip is { } s ? (s == 0 ? null : s) : config?.SegmentsPerClip, options.Hop ?? config?.SegmentHop)
            : (options.SegmentsPerClip, options.Hop);
        // A state_dict records no epoch: 0.
        var report = Evaluator.Evaluate(opened.Cnn!, opened.Tags, Path.GetFullPath(opened.Info.Path), opened.Info.Epoch ?? 0, store, options.Split, device,
            options.Protocol, options.Aggregation, segments, hop, options.BootstrapResamples, options.Seed, options.Engine, cancel);
        var files = filesFor(report.Split);
        report.Write(files);
        return new RunEvaluationResult(report, files);
    }
}
