using Parquet;
using Parquet.Schema;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// The Parquet file of tagged rows that shards write and merge combines: columns file, status (ok or failed), error,
/// segments, then one float column per tag (null for a failed file). Written whole through <see cref="AtomicFile"/>, so
/// a reader never sees a torn one.
/// </summary>
internal static class TagPart
{
    static readonly DataField FileField = new DataField<string>("file", false), Status = new DataField<string>("status", false),
        Error = new DataField<string>("error", true), Segments = new DataField<int>("segments");

    const int GroupRows = 100_000;

    public static void Write(string path, IReadOnlyList<string> tags, IReadOnlyList<PartRow> rows)
    {
        var clash = tags.FirstOrDefault(t => t is "file" or "status" or "error" or "segments");
        if (clash is not null) throw new InvalidDataException($"a tag is named '{clash}', as a column of the part is");
        var scores = tags.Select(t => new DataField<float?>(t)).ToArray();
        AtomicFile.Write(path, stream =>
        {
            var writer = ParquetWriter.CreateAsync(new ParquetSchema([FileField, Status, Error, Segments, .. scores]), stream).GetAwaiter().GetResult();
            try
            {
                foreach (var chunk in rows.Chunk(GroupRows))
                {
                    using var group = writer.CreateRowGroup();
                    Wait(group.WriteAsync(FileField, chunk.Select(r => r.File).ToList()));
                    Wait(group.WriteAsync(Status, chunk.Select(r => r.Status).ToList()));
                    Wait(group.WriteAsync(Error, chunk.Select(r => r.Error!).ToList()));
                    Wait(group.WriteAsync<int>(Segments, chunk.Select(r => r.Segments).ToArray()));
                    for (int t = 0; t < scores.Length; t++)
                        Wait(group.WriteAsync<float>(scores[t], chunk.Select(r => r.Scores is { } s ? s[t] : (float?)null).ToArray()));
                    group.CompleteValidate();
                }
            }
            finally { Wait(writer.DisposeAsync()); } // writes the footer
        });
    }

    /// <summary>A part's tags (its score columns) and rows.</summary>
    public static (IReadOnlyList<string> Tags, List<PartRow> Rows) Read(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            if (fields.Length < 4 || fields[0].Name != "file" || fields[1].Name != "status" || fields[2].Name != "error" || fields[3].Name != "segments")
                throw new InvalidDataException($"{path}: not a part of tags (columns {string.Join(", ", fields.Select(f => f.Name))})");
            var tags = fields.Skip(4).Select(f => f.Name).ToArray();
            var rows = new List<PartRow>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int n = (int)group.RowCount;
                var (files, status, errors, segments) = (new string?[n], new string?[n], new string?[n], new int[n]);
                Wait(group.ReadAsync(fields[0], files.AsMemory()));
                Wait(group.ReadAsync(fields[1], status.AsMemory()));
                Wait(group.ReadAsync(fields[2], errors.AsMemory()));
                Wait(group.ReadAsync<int>(fields[3], segments.AsMemory()));
                var scores = new float?[tags.Length][];
                for (int t = 0; t < tags.Length; t++)
                {
                    scores[t] = new float?[n];
                    Wait(group.ReadAsync<float>(fields[4 + t], scores[t].AsMemory()));
                }
                for (int r = 0; r < n; r++)
                    rows.Add(new PartRow(files[r]!, status[r]!, errors[r], segments[r],
                        status[r] == PartRow.Ok ? scores.Select(s => s[r] ?? float.NaN).ToArray() : null));
            }
            return (tags, rows);
        }
        finally { Wait(reader.DisposeAsync()); }
    }

    static void Wait(Task task) => task.GetAwaiter().GetResult();
    static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();
}
