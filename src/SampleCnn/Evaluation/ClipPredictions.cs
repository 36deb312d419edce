using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Evaluation;

/// <summary>
/// A model's scores for every clip of a split: per segment, and per clip by mean (the paper) or max of its
/// segments' sigmoid outputs, with the segment-level binary cross-entropy over the split. Scores are in the
/// store's tag order: <c>outputOf</c> (when the model's order differs) picks the model's output for each store tag.
/// </summary>
internal sealed record ClipPredictions(IReadOnlyList<StoredClip> Clips, float[] ClipScores, float[] ClipTargets,
    float[] SegmentScores, float[] SegmentTargets, double Loss, int Tags)
{
    public static ClipPredictions Compute(TaggingCnn model, BatchLoader loader, Device device,
        ClipAggregation aggregation = ClipAggregation.Mean, long[]? outputOf = null, CancellationToken cancel = default)
    {
        model.eval();
        return Compute(loader.ClipByClip(), clip => model.Logits(clip.ToTensor(device)), model.Tags, device, aggregation, outputOf, cancel);
    }

    /// <summary>The same from the logits of each clip's segments however they are computed (a new head on cached features).</summary>
    public static ClipPredictions Compute(IEnumerable<ClipSegments> clipByClip, Func<ClipSegments, Tensor> logitsOf, int tags, Device device,
        ClipAggregation aggregation = ClipAggregation.Mean, long[]? outputOf = null, CancellationToken cancel = default)
    {
        using var noGrad = no_grad();
        var clips = new List<StoredClip>();
        List<float> clipScores = [], clipTargets = [], segmentScores = [], segmentTargets = [];
        double lossSum = 0;
        long lossCount = 0;
        using var order = outputOf is null ? null : tensor(outputOf).to(device);
        foreach (var clip in clipByClip)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var logits = logitsOf(clip);
            if (order is not null) logits = logits.index_select(1, order);
            var target = tensor(clip.Targets, [1, tags]).to(device).expand(clip.Count, tags);
            lossSum += nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.Sum).item<float>();
            lossCount += clip.Count * tags;
            var scores = logits.sigmoid();
            var pooled = aggregation == ClipAggregation.Max ? scores.amax([0]) : scores.mean([0]);
            clips.Add(clip.Clip);
            clipScores.AddRange(pooled.cpu().data<float>());
            clipTargets.AddRange(clip.Targets);
            segmentScores.AddRange(scores.cpu().data<float>());
            for (int s = 0; s < clip.Count; s++) segmentTargets.AddRange(clip.Targets);
        }
        return new ClipPredictions(clips, [.. clipScores], [.. clipTargets], [.. segmentScores], [.. segmentTargets],
            lossCount > 0 ? lossSum / lossCount : double.NaN, tags);
    }

    public TagMetrics ClipMetrics(TagVocabulary vocabulary) => TagMetrics.Compute(vocabulary.Tags, ClipScores, ClipTargets);

    public TagMetrics SegmentMetrics(TagVocabulary vocabulary) => TagMetrics.Compute(vocabulary.Tags, SegmentScores, SegmentTargets);
}
