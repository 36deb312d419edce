using System.Buffers.Binary;

namespace SampleCnn.Audio;

/// <summary>
/// Walks an MP3 file's frame headers before anything is decoded, so that empty, truncated and corrupt
/// files are refused with a reason instead of decoding to partial garbage. Skips an ID3v2 tag and zero
/// padding at the start; accepts ID3v1/APE/Lyrics tags or zero padding after the last frame. Reads the
/// gapless information of a LAME/Xing "Info" frame the way ffmpeg applies it.
/// </summary>
public static class Mp3FrameScanner
{
    /// <summary>The decoder's delay that LAME's encoder delay does not include (ffmpeg adds 528 + 1).</summary>
    public const int DecoderDelay = 529;

    /// <summary>
    /// What the walk found. Audio frames start at <see cref="FirstFrame"/> (an Info frame is skipped);
    /// of their decoded samples, [<see cref="StartSample"/>, <see cref="EndSample"/>) are the clip.
    /// <see cref="IntensityStereoFrames"/> counts frames that switch intensity stereo on.
    /// </summary>
    public readonly record struct Layout(Mp3FrameHeader First, long FirstFrame, int Frames, long StartSample, long EndSample, int IntensityStereoFrames);

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

        Mp3FrameHeader? first = null;
        long firstFrame = position;
        int frames = 0, intensityStereoFrames = 0;
        while (position < length)
        {
            var header = Mp3FrameHeader.Parse(head[..ReadAt(stream, position, head[..4])]);
            if (header is not { } h || first is { } f && !h.Continues(f))
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
            if (h.IntensityStereo) intensityStereoFrames++;
            position += h.Length;
        }
        if (first is not { } s) throw new AudioDecodeException(path, AudioProblem.NotAudio, "not an MP3 file (no MPEG audio frames)");

        var layout = new Layout(s, firstFrame, frames, 0, (long)frames * s.SampleCount, intensityStereoFrames);
        stream.Position = 0;
        return ApplyInfoFrame(stream, layout);
    }

    // A Xing/Info or VBRI frame carries no audio; LAME's tag in it gives the encoder delay and padding.
    static Layout ApplyInfoFrame(Stream stream, Layout layout)
    {
        var frame = new byte[Math.Min(layout.First.Length, 512)];
        ReadAt(stream, layout.FirstFrame, frame);
        stream.Position = 0;
        int xing = 4 + layout.First.SideInfoLength;
        bool isXing = frame.Length >= xing + 8 && (frame.AsSpan(xing, 4).SequenceEqual("Xing"u8) || frame.AsSpan(xing, 4).SequenceEqual("Info"u8));
        bool isVbri = frame.Length >= 40 && frame.AsSpan(36, 4).SequenceEqual("VBRI"u8);
        if (!isXing && !isVbri) return layout;

        int audioFrames = layout.Frames - 1;
        var audio = layout with { FirstFrame = layout.FirstFrame + layout.First.Length, Frames = audioFrames, EndSample = (long)audioFrames * layout.First.SampleCount };
        if (!isXing) return audio;

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(xing + 4));
        int lame = xing + 8 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
        if (frame.Length < lame + 24) return audio;
        var encoder = frame.AsSpan(lame, 4);
        if (!encoder.SequenceEqual("LAME"u8) && !encoder.SequenceEqual("Lavf"u8) && !encoder.SequenceEqual("Lavc"u8)) return audio;
        int delays = frame[lame + 21] << 16 | frame[lame + 22] << 8 | frame[lame + 23];
        int encoderDelay = delays >> 12, encoderPadding = delays & 0xFFF;
        long end = Math.Clamp(audio.EndSample - encoderPadding + DecoderDelay, 0, audio.EndSample);
        return audio with { StartSample = Math.Min(end, encoderDelay + DecoderDelay), EndSample = end };
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
