namespace SampleCnn.Audio;

/// <summary>
/// Walks an MP3 file's frame headers before NLayer decodes it, so that empty, truncated and corrupt
/// files are refused with a reason instead of decoding to partial garbage. Skips an ID3v2 tag and
/// zero padding at the start; accepts ID3v1/APE/Lyrics tags or zero padding after the last frame.
/// </summary>
public static class Mp3FrameScanner
{
    /// <summary>What the walk found: the stream's rate and channels and how many frames it holds.</summary>
    public readonly record struct Layout(int SampleRate, int Channels, int Frames);

    static readonly int[,] BitratesV1 = { { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 }, { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 }, { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 } };
    static readonly int[,] BitratesV2 = { { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 }, { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 }, { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 } };
    static readonly int[] Rates = { 44100, 48000, 32000 };

    readonly record struct Header(int Version, int Layer, int SampleRate, int Channels, int Length);

    // version: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5; layer 1..3.
    static Header? ParseHeader(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return null;
        int version = (b[1] >> 3) & 3, layerBits = (b[1] >> 1) & 3, bitrateIndex = b[2] >> 4, rateIndex = (b[2] >> 2) & 3;
        if (version == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3) return null;
        int layer = 4 - layerBits, padding = (b[2] >> 1) & 1;
        int rate = Rates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        int kbps = version == 3 ? BitratesV1[layer - 1, bitrateIndex] : BitratesV2[layer - 1, bitrateIndex];
        int length = layer == 1
            ? (12 * kbps * 1000 / rate + padding) * 4
            : (layer == 3 && version != 3 ? 72 : 144) * kbps * 1000 / rate + padding;
        int channels = (b[3] >> 6) == 3 ? 1 : 2;
        return new Header(version, layer, rate, channels, length);
    }

    public static Layout Scan(string path, Stream stream)
    {
        long length = stream.Length;
        if (length == 0) throw new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes)");
        Span<byte> head = stackalloc byte[10];
        Span<byte> tail = stackalloc byte[16];

        long position = 0;
        if (ReadAt(stream, 0, head) == 10 && head[..3].SequenceEqual("ID3"u8))
        {
            long tagSize = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F);
            position = 10 + tagSize + ((head[5] & 0x10) != 0 ? 10 : 0);
            if (position > length) throw new AudioDecodeException(path, AudioProblem.Truncated, "truncated: inside the ID3v2 tag");
        }
        while (position < length && ReadAt(stream, position, head[..1]) == 1 && head[0] == 0) position++;

        Header? first = null;
        int frames = 0;
        while (position < length)
        {
            var header = ParseHeader(head[..ReadAt(stream, position, head[..4])]);
            if (header is not { } h || first is { } f && (h.Version != f.Version || h.Layer != f.Layer || h.SampleRate != f.SampleRate))
            {
                if (first is not null && IsTrailer(stream, position, tail)) break;
                throw first is null
                    ? new AudioDecodeException(path, AudioProblem.NotAudio, "not an MP3 file (no MPEG audio frame where one should start)")
                    : new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: no valid frame header at byte {position} after {frames} frames");
            }
            if (position + h.Length > length)
                throw new AudioDecodeException(path, AudioProblem.Truncated, $"truncated: frame {frames + 1} needs {position + h.Length - length} bytes past the end of the file");
            first ??= h;
            frames++;
            position += h.Length;
        }
        stream.Position = 0;
        if (first is not { } s) throw new AudioDecodeException(path, AudioProblem.NotAudio, "not an MP3 file (no MPEG audio frames)");
        return new Layout(s.SampleRate, s.Channels, frames);
    }

    static int ReadAt(Stream stream, long position, Span<byte> into)
    {
        stream.Position = position;
        return stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
    }

    // Tags after the audio, or zero padding to the end of the file.
    static bool IsTrailer(Stream stream, long position, Span<byte> buffer)
    {
        var rest = buffer[..ReadAt(stream, position, buffer)];
        if (rest.StartsWith("TAG"u8) || rest.StartsWith("APETAGEX"u8) || rest.StartsWith("LYRICS"u8) || rest.StartsWith("ID3"u8)) return true;
        for (long p = position; ; p += rest.Length)
        {
            rest = buffer[..ReadAt(stream, p, buffer)];
            if (rest.IsEmpty) return true;
            if (rest.ContainsAnyExcept((byte)0)) return false;
        }
    }
}
