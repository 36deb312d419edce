using SampleCnn.Data.Store;
using SampleCnn.Inference;
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
        using var opened = TrainedModel.OpenCnn(run.CheckpointPath(options.Checkpoint), new ModelOpenOptions(), device, "evaluated");
        var model = opened.Cnn!;
        var storeFolder = options.Store ?? config?.Store
            ?? throw new OptionException(nameof(options.Store), "store", null, $"{run.Path} records none (it has no config); name the store to evaluate on");
        using var store = SegmentStore.Open(storeFolder);
        // The paper's protocol scores the segments the run trained on unless told; Won et al.'s sets its own, so it gets only what was given (to refuse it).
        (int? segments, int? hop) = options.Protocol == EvaluationProtocol.Paper
            ? (options.SegmentsPerClip is { } s ? (s == 0 ? null : s) : config?.SegmentsPerClip, options.Hop ?? config?.SegmentHop)
            : (options.SegmentsPerClip, options.Hop);
        // Only a checkpoint reaches here with a network of ours (no spec or tags are given for a state_dict), so the epoch is known.
        var report = Evaluator.Evaluate(model, opened.Tags, Path.GetFullPath(opened.Info.Path), opened.Info.Epoch ?? 0, store, options.Split, device,
            options.Protocol, options.Aggregation, segments, hop, options.BootstrapResamples, options.Seed, cancel);
        var files = run.Evaluation(report.Split, options.Checkpoint);
        report.Write(files);
        return new RunEvaluationResult(report, files);
    }
}
