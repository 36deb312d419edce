using System.Globalization;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>`merge`: the parts of a sharded run combined into one file, checked against the manifest.</summary>
public static class PartsMerge
{
    /// <param name="inputs">Folders of parts (every part-*.parquet in them) and part files.</param>
    /// <param name="outPath">A .parquet file (the parts' columns) or a .csv (the same columns), in the manifest's order.</param>
    public static MergeReport Run(IReadOnlyList<string> inputs, string manifestFile, string outPath)
    {
        bool csv = outPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !outPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("Out", "merged file", outPath, "expected a name ending in .parquet or .csv");
        var manifest = Manifest.Read(manifestFile);
        var parts = inputs.SelectMany(i => Directory.Exists(i) ? ShardParts.In(i)
            : File.Exists(i) ? [i] : throw new FileNotFoundException($"{i}: no such part or folder")).ToList();
        if (parts.Count == 0) throw new FileNotFoundException($"{string.Join(", ", inputs)}: no parts found");

        IReadOnlyList<string>? tags = null;
        int? embedding = null;
        var kept = new Dictionary<string, PartRow>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        int rows = 0;
        foreach (var part in parts)
        {
            var (partTags, partRows, partEmbedding) = TagPart.Read(part);
            tags ??= partTags;
            embedding ??= partEmbedding;
            if (!partTags.SequenceEqual(tags))
                throw new InvalidDataException($"{part}: its tags ({string.Join(", ", partTags)}) differ from {parts[0]}'s ({string.Join(", ", tags)})");
            if (partEmbedding != embedding)
                throw new InvalidDataException($"{part}: its embedding is {partEmbedding} wide, {parts[0]}'s {embedding} (0: none)");
            rows += partRows.Count;
            foreach (var row in partRows)
            {
                if (!kept.TryGetValue(row.File, out var before)) kept[row.File] = row;
                else
                {
                    duplicates.Add(row.File); // a file tagged twice (its part written before a kill, then again): a tagged row wins over a failure
                    if (before.Status != PartRow.Ok && row.Status == PartRow.Ok) kept[row.File] = row;
                }
            }
        }

        var listed = manifest.Paths.ToHashSet(StringComparer.Ordinal);
        var merged = manifest.Paths.Where(kept.ContainsKey).Select(p => kept[p]).ToList();
        if (csv) AtomicFile.Write(outPath, stream => WriteCsv(stream, tags!, merged, embedding > 0));
        else TagPart.Write(outPath, tags!, merged, embedding ?? 0);
        return new MergeReport(outPath, manifest.Paths.Count, parts.Count, rows, duplicates.Distinct(StringComparer.Ordinal).ToList(),
            manifest.Paths.Where(p => !kept.ContainsKey(p)).ToList(),
            merged.Where(r => r.Status != PartRow.Ok).Select(r => (r.File, r.Error ?? "")).ToList(),
            kept.Keys.Where(f => !listed.Contains(f)).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The Parquet columns as CSV; an embedding is one field, its values space-separated (empty for a failed file).</summary>
    static void WriteCsv(Stream stream, IReadOnlyList<string> tags, IEnumerable<PartRow> rows, bool embedding)
    {
        using var writer = new StreamWriter(stream, leaveOpen: true) { NewLine = "\n" };
        string[] vector = embedding ? ["embedding"] : [];
        writer.WriteLine(string.Join(',', new[] { "file", "status", "error", "segments" }.Concat(tags).Concat(vector).Select(CsvText.Field)));
        foreach (var row in rows)
        {
            string[] values = embedding ? [string.Join(' ', (row.Embedding ?? []).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))] : [];
            writer.WriteLine(string.Join(',', new[] { row.File, row.Status, row.Error ?? "", row.Segments.ToString(CultureInfo.InvariantCulture) }
                .Concat(tags.Select((_, t) => row.Scores is { } s ? s[t].ToString("R", CultureInfo.InvariantCulture) : "")).Concat(values).Select(CsvText.Field)));
        }
    }
}
