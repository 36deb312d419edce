using Parquet;
using Parquet.Schema;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// The Parquet file of tagged rows that shards write and merge combines: columns file, status (ok or failed), error,
/// segments, then one float column per tag (null for a failed file), and with embeddings an <c>embedding</c> list of
/// float32 (NaNs for a failed file, so every list has the same width). Written whole through <see cref="AtomicFile"/>,
/// so a reader never sees a torn one.
/// </summary>
internal static class TagPart
{
    static readonly DataField FileField = new DataField<string>("file", false), Status = new DataField<string>("status", false),
        Error = new DataField<string>("error", true), Segments = new DataField<int>("segments");
    static readonly DataField Element = new DataField<float>("element", false);
    const string EmbeddingColumn = "embedding", WidthKey = "samplecnn.embedding_width";

    const int GroupRows = 100_000;

    /// <param name="embedding">The embedding's width, or 0 for parts without one.</param>
    public static void Write(string path, IReadOnlyList<string> tags, IReadOnlyList<PartRow> rows, int embedding = 0)
    {
        var clash = tags.FirstOrDefault(t => t is "file" or "status" or "error" or "segments" or EmbeddingColumn);
        if (clash is not null) throw new InvalidDataException($"a tag is named '{clash}', as a column of the part is");
        var scores = tags.Select(t => new DataField<float?>(t)).ToArray();
        AtomicFile.Write(path, stream =>
        {
            Field[] vector = embedding > 0 ? [new ListField(EmbeddingColumn, Element)] : [];
            var writer = ParquetWriter.CreateAsync(new ParquetSchema([FileField, Status, Error, Segments, .. scores, .. vector]), stream).GetAwaiter().GetResult();
            if (embedding > 0) writer.CustomMetadata = new Dictionary<string, string> { [WidthKey] = embedding.ToString(System.Globalization.CultureInfo.InvariantCulture) };
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
                    if (embedding > 0) WriteEmbeddings(group, chunk, embedding);
                    group.CompleteValidate();
                }
            }
            finally { Wait(writer.DisposeAsync()); } // writes the footer
        });
    }

    static void WriteEmbeddings(ParquetRowGroupWriter group, PartRow[] chunk, int width)
    {
        var values = new float[chunk.Length * width];
        for (int r = 0; r < chunk.Length; r++)
            if (chunk[r].Embedding is { } e) e.CopyTo(values.AsSpan(r * width));
            else values.AsSpan(r * width, width).Fill(float.NaN); // every list full: a failed file's is NaNs
        Wait(FloatLists.Write(group, Element, values, width));
    }

    /// <summary>A part's tags (its score columns), its rows, and its embedding's width (0 without one).</summary>
    public static (IReadOnlyList<string> Tags, List<PartRow> Rows, int Embedding) Read(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            if (fields.Length < 4 || fields[0].Name != "file" || fields[1].Name != "status" || fields[2].Name != "error" || fields[3].Name != "segments")
                throw new InvalidDataException($"{path}: not a part of tags (columns {string.Join(", ", fields.Select(f => f.Name))})");
            bool hasEmbedding = reader.Schema.Fields[^1] is ListField { Name: EmbeddingColumn };
            var tags = fields.Skip(4).SkipLast(hasEmbedding ? 1 : 0).Select(f => f.Name).ToArray();
            int width = !hasEmbedding ? 0
                : reader.CustomMetadata.TryGetValue(WidthKey, out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var w) && w is > 0 and <= MaxWidth ? w
                : throw new InvalidDataException($"{path}: has an embedding column but no valid {WidthKey}");
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
                float[] vectors = [];
                if (hasEmbedding)
                {
                    vectors = new float[checked(n * width)];
                    var (definition, repetition) = (new int[vectors.Length], new int[vectors.Length]);
                    Wait(group.ReadRawAsync<float>(fields[^1], vectors.AsMemory(), definition.AsMemory(), repetition.AsMemory()));
                    if (repetition.Where((level, i) => level != (i % width == 0 ? 0 : 1)).Any())
                        throw new InvalidDataException($"{path}: its embedding lists are not all {width} wide");
                }
                for (int r = 0; r < n; r++)
                    rows.Add(new PartRow(files[r]!, status[r]!, errors[r], segments[r],
                        status[r] == PartRow.Ok ? scores.Select(s => s[r] ?? float.NaN).ToArray() : null,
                        hasEmbedding && status[r] == PartRow.Ok ? vectors.AsSpan(r * width, width).ToArray() : null));
            }
            return (tags, rows, width);
        }
        finally { Wait(reader.DisposeAsync()); }
    }

    /// <summary>The widest embedding a part may declare (a bound on what a damaged file can make us allocate).</summary>
    const int MaxWidth = 1 << 16;

    static void Wait(Task task) => task.GetAwaiter().GetResult();
    static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();
}
