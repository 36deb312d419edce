using Parquet;
using Parquet.Schema;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// A Parquet file: columns file, segments (per file) or segment, start_s, end_s (per segment), and embedding, a list of
/// float32 (pandas reads it as one array per row: <c>np.stack(df.embedding)</c>). Rows are buffered and written a row
/// group at a time, so memory holds one group; the file's metadata keeps what the vectors are (model, layer, pooling).
/// </summary>
internal sealed class ParquetEmbeddingWriter : EmbeddingWriter
{
    readonly string path;
    readonly bool perSegment;
    readonly int width, groupRows;
    readonly FileStream stream;
    readonly ParquetWriter writer;
    readonly DataField file = new DataField<string>("file", false);
    readonly DataField segments = new DataField<int>("segments"), segment = new DataField<int>("segment");
    readonly DataField start = new DataField<double>("start_s"), end = new DataField<double>("end_s");
    readonly DataField element = new DataField<float>("element", false);
    readonly List<Row> buffered = [];
    bool closed;

    public ParquetEmbeddingWriter(string path, bool perSegment, int width, int groupRows, IReadOnlyDictionary<string, string> metadata) : base(perSegment)
    {
        this.path = path;
        this.perSegment = perSegment;
        this.width = width;
        this.groupRows = groupRows;
        Field[] fields = perSegment ? [file, segment, start, end, new ListField("embedding", element)] : [file, segments, new ListField("embedding", element)];
        stream = AtomicFile.Create(path);
        writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        writer.CustomMetadata = metadata.ToDictionary();
    }

    protected override void WriteRow(Row row)
    {
        buffered.Add(row);
        if (buffered.Count == groupRows) Flush();
    }

    void Flush()
    {
        if (buffered.Count == 0) return;
        using (var group = writer.CreateRowGroup())
        {
            Wait(group.WriteAsync(file, buffered.Select(r => r.File).ToList()));
            if (perSegment)
            {
                Wait(group.WriteAsync<int>(segment, buffered.Select(r => r.Segment!.Value).ToArray()));
                Wait(group.WriteAsync<double>(start, buffered.Select(r => r.Start).ToArray()));
                Wait(group.WriteAsync<double>(end, buffered.Select(r => r.End).ToArray()));
            }
            else Wait(group.WriteAsync<int>(segments, buffered.Select(r => r.Segments).ToArray()));
            var values = new float[buffered.Count * width];
            for (int r = 0; r < buffered.Count; r++) buffered[r].Vector.Span.CopyTo(values.AsSpan(r * width));
            Wait(FloatLists.Write(group, element, values, width));
            group.CompleteValidate();
        }
        buffered.Clear();
    }

    static void Wait(Task task) => task.GetAwaiter().GetResult();

    public override void Commit()
    {
        Flush();
        Close(); // writes the footer
        AtomicFile.Commit(stream, path);
    }

    void Close()
    {
        if (closed) return;
        closed = true;
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public override void Dispose()
    {
        Close();
        stream.Dispose();
    }
}
