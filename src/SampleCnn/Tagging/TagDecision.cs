using SampleCnn.Platform;

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
}
