using SampleCnn.Data.Store;
using SampleCnn.Platform;
using SampleCnn.Runs;
using TorchSharp;

namespace SampleCnn.Evaluation;

/// <summary>
/// `evaluate`: scores a run's checkpoint on a split of the store it trained on (or another), with the
/// segments the run trained on unless told otherwise, and keeps the report in the run folder.
/// </summary>
public static class RunEvaluation
{
    public static RunEvaluationResult Evaluate(RunFolder run, RunEvaluationOptions options, torch.Device device, CancellationToken cancel = default)
    {
        var config = run.ReadConfigIfAny();
        var checkpoint = run.CheckpointPath(options.Checkpoint);
        var (model, state) = Checkpoint.LoadModel(checkpoint, device);
        using var _ = model;
        var storeFolder = options.Store ?? config?.Store
            ?? throw new OptionException(nameof(options.Store), "store", null, $"{run.Path} records none (it has no config); name the store to evaluate on");
        using var store = SegmentStore.Open(storeFolder);
        var segments = options.SegmentsPerClip is { } s ? (s == 0 ? null : s) : config?.SegmentsPerClip;
        var report = Evaluator.Evaluate(model, state.Tags, Path.GetFullPath(checkpoint), state.Epoch, store, options.Split, device,
            options.Aggregation, segments, options.Hop ?? config?.SegmentHop, options.BootstrapResamples, options.Seed, cancel);
        var files = run.Evaluation(report.Split, options.Checkpoint);
        report.Write(files);
        return new RunEvaluationResult(report, files);
    }
}
