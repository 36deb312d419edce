using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Tagging;

/// <summary>
/// How a file's scores become yes/no tags: each tag's threshold as `evaluate` tuned it for the model (<see cref="Tuned"/>),
/// or one threshold for every tag. A file has a tag when its clip score is at least the threshold.
/// </summary>
public sealed record TagDecision
{
    TagDecision(float? threshold) => Threshold = threshold;

    /// <summary>The one threshold for every tag; null: the tuned ones.</summary>
    public float? Threshold { get; }

    public static TagDecision Tuned { get; } = new((float?)null);

    public static TagDecision Global(float threshold) => threshold is >= 0 and <= 1 ? new TagDecision(threshold)
        : throw new OptionException("decide", "decision threshold", threshold, "must be from 0 to 1 (scores are probabilities)");

    /// <summary>
    /// The model's thresholds this way, in the order of its tags, and the tuned thresholds they come from (null for one threshold).
    /// Tuned thresholds must exist for the model: refused in one line otherwise.
    /// </summary>
    internal (IReadOnlyList<float> Thresholds, TagThresholds? Tuned) For(TrainedModel model)
    {
        if (Threshold is { } global) return (Enumerable.Repeat(global, model.Tags.Count).ToArray(), null);
        var tuned = model.Thresholds ?? throw new OptionException("decide", "decision", "tuned",
            $"no thresholds were tuned for {model.Info.Path} (none at {model.ThresholdsFile}); run evaluate on it first (it tunes them on a store's validation split), or give a thresholds file or one threshold");
        return (tuned.For(model.Tags, model.ThresholdsFile), tuned);
    }
}
