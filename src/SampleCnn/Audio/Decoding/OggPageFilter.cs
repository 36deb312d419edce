using System.Buffers.Binary;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Passes on the Ogg pages of a file whose checksum holds and leaves out the rest, as ffmpeg does: junk
/// between pages is skipped up to the next capture pattern, a damaged page is dropped, and the
/// partial packet a dropped page leaves at the start of the next one is removed (the page rewritten
/// with its checksum), so that the Vorbis decoder sees a stream with packets missing but none broken.
/// Reads one page at a time; forward only.
/// </summary>
internal sealed class OggPageFilter(Stream source) : Stream
{
    const int HeaderBytes = 27, MaxPage = HeaderBytes + 255 + 255 * 255;
    static readonly uint[] CrcTable = MakeCrcTable();

    private readonly byte[] page = new byte[MaxPage];
    private readonly byte[] search = new byte[1 << 16];
    private int pageLength, pageOffset;
    private long next;              // where the next page should start in the source
    private bool packetCut;         // a page was dropped: the next page's continued packet lacks its start
    private bool ended;

    /// <summary>Pages left out (failed checksum, truncated, or only the rest of a lost packet).</summary>
    public int DroppedPages { get; private set; }

    /// <summary>Bytes of the source left out: dropped pages and junk between pages.</summary>
    public long DroppedBytes { get; private set; }

    /// <summary>Whether the file ended inside a page.</summary>
    public bool Truncated { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (pageOffset == pageLength && !NextPage()) return 0;
        int n = Math.Min(buffer.Length, pageLength - pageOffset);
        page.AsSpan(pageOffset, n).CopyTo(buffer);
        pageOffset += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    bool NextPage()
    {
        while (!ended)
        {
            long start = next;
            int got = ReadAt(start, page.AsSpan(0, HeaderBytes));
            if (got == 0) return End();
            if (got < HeaderBytes || !page.AsSpan(0, 4).SequenceEqual("OggS"u8) || page[4] != 0)
            {
                if (!Resynchronise(start + 1)) return End(junk: true);
                continue;
            }
            int segments = page[26], headerLength = HeaderBytes + segments;
            got = ReadAt(start + HeaderBytes, page.AsSpan(HeaderBytes, segments));
            int bodyLength = 0;
            foreach (var lace in page.AsSpan(HeaderBytes, got)) bodyLength += lace;
            int length = headerLength + bodyLength;
            if (got == segments) got = HeaderBytes + segments + ReadAt(start + headerLength, page.AsSpan(headerLength, bodyLength));
            if (got < length)
            {
                // The file ends inside this page, or its header is damaged: look for another page after its start.
                if (Resynchronise(start + 1)) continue;
                Truncated = true;
                return End();
            }
            if (BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22)) != Crc(page.AsSpan(0, length)))
            {
                DroppedPages++;
                packetCut = true;
                if (!Resynchronise(start + 1)) return End(junk: true);
                continue;
            }
            next = start + length;
            if (packetCut && (page[5] & 1) != 0 && !DropContinuedPacket(ref length))
            {
                DroppedPages++;
                DroppedBytes += length;
                continue;
            }
            packetCut = false;
            (pageOffset, pageLength) = (0, length);
            return true;
        }
        return false;
    }

    // Removes the leading segments of a packet begun on a lost page; false when nothing else is on the page.
    bool DropContinuedPacket(ref int length)
    {
        int segments = page[26], k = 0, bytes = 0;
        while (k < segments && page[HeaderBytes + k] == 255) bytes += page[HeaderBytes + k++];
        if (k == segments) return false;           // the lost packet goes on to the next page
        bytes += page[HeaderBytes + k++];
        if (k == segments) return false;           // nothing but its end here
        int oldHeader = HeaderBytes + segments, newSegments = segments - k;
        page.AsSpan(HeaderBytes + k, newSegments).CopyTo(page.AsSpan(HeaderBytes));
        page.AsSpan(oldHeader + bytes, length - oldHeader - bytes).CopyTo(page.AsSpan(HeaderBytes + newSegments));
        length -= k + bytes;
        page[26] = (byte)newSegments;
        page[5] &= 0xFE;
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), Crc(page.AsSpan(0, length)));
        DroppedBytes += k + bytes;
        return true;
    }

    // Moves 'next' to the next capture pattern at or after 'from', counting what is skipped; false when there is none.
    bool Resynchronise(long from)
    {
        for (long p = from; ;)
        {
            int got = ReadAt(p, search);
            if (got < 4) break;
            int i = search.AsSpan(0, got).IndexOf("OggS"u8);
            if (i >= 0)
            {
                DroppedBytes += p + i - next;
                next = p + i;
                return true;
            }
            p += got - 3;
        }
        return false;
    }

    // 'junk': the bytes from 'next' to the end of the file are not pages and are left out.
    bool End(bool junk = false)
    {
        if (junk) DroppedBytes += source.Length - next;
        ended = true;
        return false;
    }

    int ReadAt(long position, Span<byte> into)
    {
        source.Position = position;
        return source.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
    }

    // Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC field zeroed.
    static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        for (int i = 0; i < data.Length; i++)
            crc = crc << 8 ^ CrcTable[(crc >> 24) ^ (i is >= 22 and < 26 ? 0u : data[i])];
        return crc;
    }

    static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? r << 1 ^ 0x04C11DB7 : r << 1;
            table[i] = r;
        }
        return table;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }
}
