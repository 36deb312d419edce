using System.Globalization;
using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// The machine-readable forms of tagging results, one record per file with every tag's score: a JSON line, or
/// a CSV row under <see cref="CsvHeader"/>. When decisions were asked for, every tag's decision follows its score
/// (JSON "decisions": tag to true/false; CSV a "decision:TAG" column per tag, 1 or 0). A failed file keeps its
/// record, with its error and no scores or decisions.
/// </summary>
public static class FileTagsFormat
{
    public static string JsonLine(FileTags result)
    {
        var record = new Dictionary<string, object?> // written in this order
        {
            ["file"] = result.Path, ["segments"] = result.Segments, ["padded"] = result.Padded, ["error"] = result.Error, ["recovered"] = result.Recovered,
            ["scores"] = result.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => result.Failed ? (float?)null : result.ClipScores[p.i]),
        };
        if (result.Thresholds is not null) record["decisions"] = Decisions(result);
        return JsonSerializer.Serialize(record);
    }

    /// <summary>Each tag's decision, by tag (null for a failed file): a JSON record's "decisions".</summary>
    public static Dictionary<string, bool?> Decisions(FileTags result) =>
        result.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => result.Failed ? (bool?)null : result.Has(p.i));

    /// <param name="decided">Whether the rows carry decisions (a column per tag after the scores).</param>
    public static string CsvHeader(IEnumerable<string> tags, bool decided = false) =>
        "file,segments,padded,error,recovered," + string.Join(',', tags.Select(CsvText.Field).Concat(decided ? tags.Select(t => CsvText.Field("decision:" + t)) : []));

    public static string CsvRow(FileTags result) => string.Join(',',
        new[] { CsvText.Field(result.Path), $"{result.Segments}", result.Padded ? "1" : "0", CsvText.Field(result.Error ?? ""), CsvText.Field(result.Recovered ?? "") }
            .Concat(result.Failed ? result.Tags.Select(_ => "") : result.ClipScores.Select(s => s.ToString("G6", CultureInfo.InvariantCulture)))
            .Concat(result.Thresholds is null ? [] : result.Tags.Select((_, i) => result.Failed ? "" : result.Has(i) ? "1" : "0")));
}
