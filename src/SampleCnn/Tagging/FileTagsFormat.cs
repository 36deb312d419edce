using System.Globalization;
using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// The machine-readable forms of tagging results, one record per file with every tag's score: a JSON line, or
/// a CSV row under <see cref="CsvHeader"/>. A failed file keeps its record, with its error and no scores.
/// </summary>
public static class FileTagsFormat
{
    public static string JsonLine(FileTags result) => JsonSerializer.Serialize(new
    {
        file = result.Path, segments = result.Segments, padded = result.Padded, error = result.Error, recovered = result.Recovered,
        scores = result.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => result.Failed ? (float?)null : result.ClipScores[p.i]),
    });

    public static string CsvHeader(IEnumerable<string> tags) => "file,segments,padded,error,recovered," + string.Join(',', tags.Select(CsvText.Field));

    public static string CsvRow(FileTags result) => string.Join(',',
        new[] { CsvText.Field(result.Path), $"{result.Segments}", result.Padded ? "1" : "0", CsvText.Field(result.Error ?? ""), CsvText.Field(result.Recovered ?? "") }
            .Concat(result.Failed ? result.Tags.Select(_ => "") : result.ClipScores.Select(s => s.ToString("G6", CultureInfo.InvariantCulture))));
}
