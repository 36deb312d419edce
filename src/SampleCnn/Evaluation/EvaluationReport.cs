using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Evaluation;

/// <summary>
/// What `evaluate` reports: the protocol that produced it, clip-level macro and per-tag metrics, the segment-level
/// figures, a bootstrap interval, the model's tags that matched the store's only by spelling, and the yes/no
/// decisions at thresholds tuned on the validation split (per-tag precision, recall, F1; macro and micro F1).
/// </summary>
/// <param name="Protocol">Which segments were scored (a report written before protocols existed reads as the paper's).</param>
/// <param name="SegmentsPerClip">Segments scored per clip; 0: every whole segment.</param>
public sealed record EvaluationReport(
    string Model, string Checkpoint, int Epoch, string Store, string Split, EvaluationProtocol Protocol, string Aggregation, int Clips, int SegmentsPerClip,
    double MacroRocAuc, double MacroPrAuc, double RocAucLow95, double RocAucHigh95, int BootstrapResamples, int BootstrapSeed,
    double SegmentMacroRocAuc, double SegmentMacroPrAuc, double Loss,
    IReadOnlyList<TagScore> Tags, IReadOnlyList<string> UndefinedTags, IReadOnlyList<TagSpelling> TagsMatchedBySpelling)
{
    /// <summary>Empty, not null, in a report written before tags were matched by spelling.</summary>
    public IReadOnlyList<TagSpelling> TagsMatchedBySpelling { get; init; } = TagsMatchedBySpelling ?? [];

    /// <summary>The split the thresholds were tuned on; null in a report written before thresholds were tuned.</summary>
    public string? ThresholdsSplit { get; init; }

    /// <summary>The mean F1 at the thresholds over the tags in the macro averages.</summary>
    public double MacroF1 { get; init; } = double.NaN;

    /// <summary>F1 of every decision of every tag pooled.</summary>
    public double MicroF1 { get; init; } = double.NaN;

    /// <summary>The thresholds as kept for the model (its tag names, its output order); the report's tags carry each one too.</summary>
    [JsonIgnore]
    public TagThresholds? Thresholds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSettings.Indented);

    /// <summary>Keeps the report: JSON, the per-tag CSV, the per-tag chart, and the thresholds it tuned.</summary>
    public void Write(EvaluationFiles files)
    {
        AtomicFile.WriteAllText(files.Json, ToJson());
        AtomicFile.WriteAllText(files.Csv, ToCsv());
        TagBarChart.Write(files.Png, this);
        Thresholds?.Write(files.Thresholds);
    }

    /// <summary>A report kept by <see cref="Write"/>.</summary>
    public static EvaluationReport Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(json), JsonSettings.Indented) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{json}: not an evaluation report ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>One row per tag, sorted as printed (by ROC-AUC, best first).</summary>
    public string ToCsv()
    {
        var lines = new List<string> { "tag,positives,negatives,roc_auc,pr_auc,threshold,threshold_tuned,precision,recall,f1" };
        lines.AddRange(SortedTags.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{CsvText.Field(t.Tag)},{t.Positives},{t.Negatives},{t.RocAuc},{t.AveragePrecision},{t.Threshold},{(t.ThresholdTuned ? 1 : 0)},{t.Precision},{t.Recall},{t.F1}")));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Defined tags by ROC-AUC, best first, then the undefined ones.</summary>
    public IEnumerable<TagScore> SortedTags =>
        Tags.Where(t => t.Defined).OrderByDescending(t => t.RocAuc).ThenBy(t => t.Tag, StringComparer.Ordinal).Concat(Tags.Where(t => !t.Defined));
}
