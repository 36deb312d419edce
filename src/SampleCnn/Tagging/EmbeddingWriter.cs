using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// Writes embeddings as they come, one row per file or per segment, in the format the output's extension names
/// (.parquet, .npy with its rows in OUT.npy.rows.jsonl, .jsonl). Every format has the same row fields: file, then
/// segments (per file) or segment, start_s, end_s (per segment), then the vector. The output appears whole at
/// <see cref="Commit"/> (<see cref="AtomicFile"/>); until then it is written beside it, so a run that stops
/// leaves no partial file under the output's name. A failed file has no row.
/// </summary>
internal abstract class EmbeddingWriter(bool perSegment) : IDisposable
{
    /// <summary>Where the rows of an .npy output are described, beside it; null for the other formats.</summary>
    public static string? RowsPathOf(string path) => Extension(path) == ".npy" ? path + ".rows.jsonl" : null;

    /// <summary>A row: per file (<see cref="Segment"/> null) or per segment.</summary>
    protected readonly record struct Row(string File, int? Segment, int Segments, double Start, double End, ReadOnlyMemory<float> Vector);

    /// <param name="metadata">Key-value pairs a format can keep with the data (Parquet's file metadata): the model, the layer, the pooling.</param>
    public static EmbeddingWriter Create(string path, EmbeddingOptions options, int width, IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Extension(path) switch
        {
            ".parquet" => new ParquetEmbeddingWriter(path, options.PerSegment, width, options.RowGroupRows, metadata),
            ".npy" => new NpyEmbeddingWriter(path, options.PerSegment, width),
            _ => new JsonLinesEmbeddingWriter(path, options.PerSegment),
        };
    }

    /// <summary>Refuses an output whose extension names no format, before any work is done.</summary>
    public static void CheckPath(string path) => Extension(path);

    static string Extension(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".parquet" or ".npy" or ".jsonl" ? extension
            : throw new OptionException("Output", "output file", path, "must end in .parquet, .npy or .jsonl");
    }

    public void Write(FileEmbedding file)
    {
        if (file.Failed) return;
        if (!perSegment) WriteRow(new Row(file.Path, null, file.Segments, 0, 0, file.Vector));
        else
            for (int s = 0; s < file.Segments; s++)
                WriteRow(new Row(file.Path, s, file.Segments, file.SegmentStart(s), file.SegmentEnd(s), file.SegmentVectors.AsMemory(s * file.Width, file.Width)));
    }

    protected abstract void WriteRow(Row row);

    /// <summary>Writes what is buffered and puts the output in place.</summary>
    public abstract void Commit();

    public abstract void Dispose();

    /// <summary>A row's fields but its vector, as JSON members (the .jsonl rows and the .npy rows file).</summary>
    protected static void WriteFields(Utf8JsonWriter json, Row row)
    {
        json.WriteString("file", row.File);
        if (row.Segment is { } s)
        {
            json.WriteNumber("segment", s);
            json.WriteNumber("start_s", row.Start);
            json.WriteNumber("end_s", row.End);
        }
        else json.WriteNumber("segments", row.Segments);
    }
}
