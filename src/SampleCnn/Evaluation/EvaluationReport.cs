using System.Globalization;
using System.Text.Json;
using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Evaluation;

/// <summary>
/// What `evaluate` reports: the protocol that produced it, clip-level macro and per-tag metrics, the segment-level
/// figures, a bootstrap interval, and the model's tags that matched the store's only by spelling.
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

    public string ToJson() => JsonSerializer.Serialize(this, JsonSettings.Indented);

    /// <summary>Keeps the report: JSON, the per-tag CSV, and the per-tag chart.</summary>
    public void Write(EvaluationFiles files)
    {
        AtomicFile.WriteAllText(files.Json, ToJson());
        AtomicFile.WriteAllText(files.Csv, ToCsv());
        TagBarChart.Write(files.Png, this);
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
        var lines = new List<string> { "tag,positives,negatives,roc_auc,pr_auc" };
        lines.AddRange(SortedTags.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{CsvText.Field(t.Tag)},{t.Positives},{t.Negatives},{t.RocAuc},{t.AveragePrecision}")));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Defined tags by ROC-AUC, best first, then the undefined ones.</summary>
    public IEnumerable<TagScore> SortedTags =>
        Tags.Where(t => t.Defined).OrderByDescending(t => t.RocAuc).ThenBy(t => t.Tag, StringComparer.Ordinal).Concat(Tags.Where(t => !t.Defined));
}
