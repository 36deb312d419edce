using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using TorchSharp;

namespace SampleCnn.Evaluation;

/// <summary>Scores a checkpoint on a split of a store the way the paper reports it, and more.</summary>
public static class Evaluator
{
    /// <summary>The paper's clip score: the mean of its segments' scores.</summary>
    public const ClipAggregation DefaultAggregation = ClipAggregation.Mean;

    /// <param name="modelTags">The tags the model was trained on; they must be the store's.</param>
    /// <param name="source">Where the model came from (a checkpoint path), for the report.</param>
    /// <param name="segmentsPerClip">Segments per clip; null (the default): every whole segment, as the authors' code.</param>
    public static EvaluationReport Evaluate(TaggingCnn model, IReadOnlyList<string> modelTags, string source, int epoch,
        SegmentStore store, Split split, torch.Device device,
        ClipAggregation aggregation = DefaultAggregation, int? segmentsPerClip = null, int? hop = null,
        int resamples = Bootstrap.DefaultResamples, int seed = Seeds.Default, CancellationToken cancel = default)
    {
        store.Vocabulary.RequireSame(modelTags, store.Folder, "model's");
        store.RequireSampleRate(model.Spec);
        var length = (int)model.Spec.InputSamples;
        var plan = new SegmentPlan(length, segmentsPerClip, hop ?? length);
        var loader = new BatchLoader(store, split, plan);
        if (loader.ClipCount == 0) throw new InvalidDataException($"{store.Folder}: the {split.Name()} split has no clips");
        var predictions = ClipPredictions.Compute(model, loader, device, aggregation, cancel);
        var clip = predictions.ClipMetrics(store.Vocabulary);
        var segment = predictions.SegmentMetrics(store.Vocabulary);
        var (low, high) = Bootstrap.MacroRocAucInterval(store.Vocabulary.Tags, predictions.ClipScores, predictions.ClipTargets, resamples, seed);
        return new EvaluationReport(model.Spec.ToString(), source, epoch, Path.GetFullPath(store.Folder), split.Name(),
            aggregation.ToString().ToLowerInvariant(), loader.ClipCount, segmentsPerClip ?? 0,
            clip.MacroRocAuc, clip.MacroAveragePrecision, low, high, resamples, seed,
            segment.MacroRocAuc, segment.MacroAveragePrecision, predictions.Loss, clip.Tags, clip.Undefined.Select(t => t.Tag).ToList());
    }
}
