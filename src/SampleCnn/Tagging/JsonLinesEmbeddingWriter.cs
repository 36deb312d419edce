using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>One JSON object per row: its fields and "embedding", the vector as an array.</summary>
internal sealed class JsonLinesEmbeddingWriter : EmbeddingWriter
{
    readonly string path;
    readonly FileStream stream;
    readonly Utf8JsonWriter json;

    public JsonLinesEmbeddingWriter(string path, bool perSegment) : base(perSegment)
    {
        this.path = path;
        stream = AtomicFile.Create(path);
        json = new Utf8JsonWriter(stream);
    }

    protected override void WriteRow(Row row)
    {
        json.WriteStartObject();
        WriteFields(json, row);
        json.WriteStartArray("embedding");
        foreach (var v in row.Vector.Span) json.WriteNumberValue(v);
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        json.Reset();
        stream.WriteByte((byte)'\n');
    }

    public override void Commit()
    {
        json.Dispose(); // flushes
        AtomicFile.Commit(stream, path);
    }

    public override void Dispose()
    {
        json.Dispose();
        stream.Dispose();
    }
}
