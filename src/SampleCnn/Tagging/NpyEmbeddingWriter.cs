using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// A NumPy .npy file (format 1.0) holding a float32 array [rows, width], and OUT.npy.rows.jsonl beside it: line i gives
/// row i's fields. The header is written first with room for any row count and rewritten with the count at the end,
/// so the rows stream to disk as they come.
/// </summary>
internal sealed class NpyEmbeddingWriter : EmbeddingWriter
{
    /// <summary>Magic, version, header length and the header dictionary, padded with spaces: a multiple of 64 bytes, as NumPy aligns it.</summary>
    const int HeaderBytes = 128;

    readonly string path, rowsPath;
    readonly int width;
    readonly FileStream data, rows;
    readonly Utf8JsonWriter json;
    long count;

    public NpyEmbeddingWriter(string path, bool perSegment, int width) : base(perSegment)
    {
        this.path = path;
        this.width = width;
        data = AtomicFile.Create(path);
        rowsPath = RowsPathOf(path)!;
        rows = AtomicFile.Create(rowsPath);
        json = new Utf8JsonWriter(rows);
        data.Write(Header(0, width));
    }

    /// <summary>The header of a little-endian float32 array [rows, width] in C order.</summary>
    static byte[] Header(long rows, int width)
    {
        var dictionary = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {width}), }}");
        const int prefix = 10; // \x93NUMPY, version 1.0, header length (uint16 little-endian)
        var header = new byte[HeaderBytes];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(header, 1);
        (header[6], header[7]) = ((byte)1, (byte)0);
        BitConverter.TryWriteBytes(header.AsSpan(8), (ushort)(HeaderBytes - prefix));
        var text = Encoding.ASCII.GetBytes(dictionary.PadRight(HeaderBytes - prefix - 1) + "\n");
        text.CopyTo(header, prefix);
        return header;
    }

    protected override void WriteRow(Row row)
    {
        data.Write(MemoryMarshal.AsBytes(row.Vector.Span)); // float32, little-endian on every platform .NET runs on here
        count++;
        json.WriteStartObject();
        WriteFields(json, row);
        json.WriteEndObject();
        json.Flush();
        json.Reset();
        rows.WriteByte((byte)'\n');
    }

    public override void Commit()
    {
        data.Position = 0;
        data.Write(Header(count, width));
        AtomicFile.Commit(data, path);
        json.Dispose(); // flushes
        AtomicFile.Commit(rows, rowsPath);
    }

    public override void Dispose()
    {
        json.Dispose();
        data.Dispose();
        rows.Dispose();
    }
}
