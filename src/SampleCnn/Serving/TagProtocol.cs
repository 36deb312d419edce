using System.Text.Json.Serialization;
using SampleCnn.Audio.Signal;
using SampleCnn.Tagging;

namespace SampleCnn.Serving;

/// <summary>
/// What a tagging result's scores mean, for an answer to carry with it (serve): the file, resampled to the model's rate, is cut
/// into consecutive whole segments of the model's input length from its start (a file shorter than one segment is padded with
/// silence to one); each segment's score for a tag is the network's sigmoid output, each tag on its own; the clip's score is the
/// mean of its segments' scores. This is what <see cref="Tagger"/> does, and evaluate's paper protocol with mean aggregation.
/// </summary>
public sealed record TagProtocol
{
    TagProtocol(int sampleRate, SegmentPlan plan)
    {
        SampleRate = sampleRate;
        SegmentSamples = plan.Length;
        SegmentSeconds = (double)plan.Length / sampleRate;
        HopSeconds = (double)plan.Hop / sampleRate;
        SegmentsPerFile = plan.Count;
    }

    internal static TagProtocol Of(Tagger tagger) => new(tagger.SampleRate, tagger.Plan);

    [JsonPropertyName("sample_rate")] public int SampleRate { get; }
    [JsonPropertyName("segment_samples")] public int SegmentSamples { get; }
    [JsonPropertyName("segment_s")] public double SegmentSeconds { get; }

    /// <summary>Seconds between segment starts: the segment's own length, so segments neither overlap nor leave gaps.</summary>
    [JsonPropertyName("hop_s")] public double HopSeconds { get; }

    /// <summary>The first this many segments of a file; null: every whole segment.</summary>
    [JsonPropertyName("segments_per_file")] public int? SegmentsPerFile { get; }

    [JsonPropertyName("short_file")] public string ShortFile => "padded with silence to one segment";
    [JsonPropertyName("segment_score")] public string SegmentScore => "the network's sigmoid output, each tag on its own (0 to 1)";
    [JsonPropertyName("clip_score")] public string ClipScore => "the mean of the segments' scores";
}
