using System.Buffers.Binary;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Walks an MP3 file's frame headers before anything is decoded. Skips an ID3v2 tag and zero padding at
/// the start; accepts ID3v1/APE/Lyrics tags or zero padding after the last frame. Where the walk meets
/// junk (a damaged header, a damaged ID3 size, bytes spliced in), it resynchronises as ffmpeg and mpg123
/// do: it searches on for a header that the next one confirms, and records the stretch skipped. A frame
/// cut off by the end of the file is the last one. Reads the gapless information of a LAME/Xing "Info"
/// frame the way ffmpeg applies it.
/// </summary>
internal static class Mp3FrameScanner
{
    /// <summary>The decoder's delay that LAME's encoder delay does not include (ffmpeg adds 528 + 1).</summary>
    public const int DecoderDelay = 529;

    public static Mp3Layout Scan(string path, Stream stream)
    {
        var bytes = new Window(stream);
        long length = bytes.Length;
        if (length == 0) throw new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes)");
        Span<byte> head = stackalloc byte[10];

        long position = 0;
        if (bytes.Read(0, head) == 10 && head[..3].SequenceEqual("ID3"u8))
        {
            long tagSize = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F);
            position = 10 + tagSize + ((head[5] & 0x10) != 0 ? 10 : 0);
            if (position > length) position = 10; // a damaged size: the search below finds the audio, if any
        }
        while (position < length && bytes.Read(position, head[..1]) == 1 && head[0] == 0) position++;

        Mp3FrameHeader? first = null;
        long firstFrame = position;
        int frames = 0, intensityStereoFrames = 0, splitBlockFrames = 0;
        var gaps = new List<Mp3Gap>();
        AudioDamage? end = null;
        while (position < length)
        {
            var header = bytes.Header(position);
            bool fits = header is { } h && (first is { } f ? h.Continues(f) : Confirmed(bytes, position, h));
            if (fits && position + header!.Value.Length > length)
            {
                end = new AudioDamage(AudioProblem.Truncated, $"truncated: the last frame needs {position + header.Value.Length - length:N0} bytes past the end of the file");
                if (first is not null) frames++; // decoded with the missing bytes as zeros, as ffmpeg does
                if (first is not null && SplitBlocks(bytes, position, header.Value)) splitBlockFrames++;
                break;
            }
            if (fits)
            {
                if (first is null) firstFrame = position;
                first ??= header;
                frames++;
                if (header!.Value.IntensityStereo) intensityStereoFrames++;
                if (SplitBlocks(bytes, position, header.Value)) splitBlockFrames++;
                position += header!.Value.Length;
                continue;
            }
            if (first is not null && IsTrailer(bytes, position)) break;
            long next = Resynchronise(bytes, position + 1, first);
            if (next < 0)
            {
                if (first is null) throw new AudioDecodeException(path, AudioProblem.NotAudio, "not an MP3 file (no MPEG audio frames)");
                end = new AudioDamage(AudioProblem.Corrupt, $"corrupt: {length - position:N0} bytes of junk after frame {frames} to the end");
                break;
            }
            gaps.Add(new Mp3Gap(frames, next, next - position));
            position = next;
        }
        if (first is not { } s) throw new AudioDecodeException(path, AudioProblem.NotAudio, "not an MP3 file (no MPEG audio frames)");

        var layout = new Mp3Layout(s, firstFrame, frames, 0, (long)frames * s.SampleCount, gaps, end, intensityStereoFrames, splitBlockFrames);
        stream.Position = 0;
        return ApplyInfoFrame(bytes, layout);
    }

    // Whether a Layer III stereo frame has a granule whose two channels use different block types (window switching,
    // block type, mixed block flag: side information, ISO 11172-3 2.4.1.7 and 13818-3 2.4.1.7). Only where they agree
    // everywhere may the channels be mixed before the hybrid filterbank (see Mp3Decoder).
    static bool SplitBlocks(Window bytes, long position, Mp3FrameHeader header)
    {
        if (header.Layer != 3 || header.Channels != 2) return false;
        Span<byte> side = stackalloc byte[32];
        side.Clear(); // bytes past the end of a cut-off frame are decoded as zeros
        bytes.Read(position + 4 + (header.HasCrc ? 2 : 0), side[..header.SideInfoLength]);
        bool mpeg1 = header.Version == Mp3FrameHeader.Mpeg1;
        int bit = mpeg1 ? 9 + 3 + 2 * 4 : 8 + 2; // main_data_begin, private bits, scfsi
        for (int granule = 0; granule < (mpeg1 ? 2 : 1); granule++)
        {
            int first = 0;
            for (int channel = 0; channel < 2; channel++)
            {
                bit += 12 + 9 + 8 + (mpeg1 ? 4 : 9); // part2_3_length, big_values, global_gain, scalefac_compress
                int blocks = Bits(side, bit, 1) == 1 ? 4 | Bits(side, bit + 1, 3) : 0; // window switching, block type, mixed block
                if (channel == 0) first = blocks;
                else if (blocks != first) return true;
                bit += 1 + 22 + (mpeg1 ? 3 : 2); // the rest up to count1table_select
            }
        }
        return false;
    }

    static int Bits(ReadOnlySpan<byte> bytes, int bit, int count)
    {
        int value = 0;
        for (int i = bit; i < bit + count; i++) value = value << 1 | (bytes[i >> 3] >> (7 - (i & 7))) & 1;
        return value;
    }

    // A header is taken as the stream's first only when the next frame's header follows it (or the file, or its tags, end there).
    static bool Confirmed(Window bytes, long position, Mp3FrameHeader header)
    {
        long next = position + header.Length;
        if (next > bytes.Length) return false;
        return next == bytes.Length || bytes.Header(next) is { } h && h.Continues(header) || IsTrailer(bytes, next);
    }

    // The first position from 'from' on where a frame that continues the stream starts and is confirmed by the next; -1 if none.
    static long Resynchronise(Window bytes, long from, Mp3FrameHeader? first)
    {
        for (long p = bytes.IndexOfSync(from); p >= 0; p = bytes.IndexOfSync(p + 1))
            if (bytes.Header(p) is { } h && (first is not { } f || h.Continues(f)) && Confirmed(bytes, p, h))
                return p;
        return -1;
    }

    // A Xing/Info or VBRI frame carries no audio; LAME's tag in it gives the encoder delay and padding.
    static Mp3Layout ApplyInfoFrame(Window bytes, Mp3Layout layout)
    {
        var frame = new byte[Math.Min(layout.First.Length, 512)];
        bytes.Read(layout.FirstFrame, frame);
        int xing = 4 + layout.First.SideInfoLength;
        bool isXing = frame.Length >= xing + 8 && (frame.AsSpan(xing, 4).SequenceEqual("Xing"u8) || frame.AsSpan(xing, 4).SequenceEqual("Info"u8));
        bool isVbri = frame.Length >= 40 && frame.AsSpan(36, 4).SequenceEqual("VBRI"u8);
        if (!isXing && !isVbri) return layout;

        // The gaps' frame numbers now count from the first audio frame; junk before the Info frame is behind the new start.
        int audioFrames = layout.Frames - 1;
        long start = layout.FirstFrame + layout.First.Length;
        var gaps = layout.Gaps.Select(g => g.BeforeFrame == 0 ? g with { Position = start } : g with { BeforeFrame = g.BeforeFrame - 1 }).ToList();
        var audio = layout with { FirstFrame = start, Frames = audioFrames, EndSample = (long)audioFrames * layout.First.SampleCount, Gaps = gaps };
        if (!isXing) return audio;

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(xing + 4));
        int lame = xing + 8 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
        if (frame.Length < lame + 24) return audio;
        var encoder = frame.AsSpan(lame, 4);
        if (!encoder.SequenceEqual("LAME"u8) && !encoder.SequenceEqual("Lavf"u8) && !encoder.SequenceEqual("Lavc"u8)) return audio;
        int delays = frame[lame + 21] << 16 | frame[lame + 22] << 8 | frame[lame + 23];
        int encoderDelay = delays >> 12, encoderPadding = delays & 0xFFF;
        // The padding is at the stream's end: a file damaged or cut short no longer ends there (ffmpeg then trims the start only).
        bool damaged = gaps.Count > 0 || layout.End is not null;
        long end = damaged ? audio.EndSample : Math.Clamp(audio.EndSample - encoderPadding + DecoderDelay, 0, audio.EndSample);
        return audio with { StartSample = Math.Min(end, encoderDelay + DecoderDelay), EndSample = end };
    }

    // Tags after the audio, or zero padding to the end of the file.
    static bool IsTrailer(Window bytes, long position)
    {
        Span<byte> rest = stackalloc byte[16];
        rest = rest[..bytes.Read(position, rest)];
        if (rest.StartsWith("TAG"u8) || rest.StartsWith("APETAGEX"u8) || rest.StartsWith("LYRICS"u8) || rest.StartsWith("ID3"u8)) return true;
        return bytes.IndexOfNonZero(position) < 0;
    }

    /// <summary>Random access to the file through one 64 KB block, so that the byte-by-byte search stays cheap.</summary>
    sealed class Window(Stream stream)
    {
        const int BlockSize = 1 << 16;
        private readonly byte[] block = new byte[BlockSize];
        private long blockStart = -1;
        private int blockLength;

        public long Length { get; } = stream.Length;

        ReadOnlySpan<byte> At(long position)
        {
            if (position < blockStart || position >= blockStart + blockLength || blockStart < 0)
            {
                stream.Position = blockStart = position;
                blockLength = stream.ReadAtLeast(block, BlockSize, throwOnEndOfStream: false);
            }
            return block.AsSpan((int)(position - blockStart), blockLength - (int)(position - blockStart));
        }

        public int Read(long position, Span<byte> into)
        {
            int done = 0;
            while (done < into.Length && position + done < Length)
            {
                var available = At(position + done);
                if (available.IsEmpty) break;
                int n = Math.Min(available.Length, into.Length - done);
                available[..n].CopyTo(into[done..]);
                done += n;
            }
            return done;
        }

        public Mp3FrameHeader? Header(long position)
        {
            Span<byte> four = stackalloc byte[4];
            return Mp3FrameHeader.Parse(four[..Read(position, four)]);
        }

        public long IndexOfSync(long from)
        {
            for (long p = from; p < Length - 1;)
            {
                var span = At(p);
                if (span.IsEmpty) return -1;
                int i = span.IndexOf((byte)0xFF);
                if (i < 0) { p += span.Length; continue; }
                if (Header(p + i) is not null) return p + i;
                p += i + 1;
            }
            return -1;
        }

        public long IndexOfNonZero(long from)
        {
            for (long p = from; p < Length;)
            {
                var span = At(p);
                if (span.IsEmpty) return -1;
                int i = span.IndexOfAnyExcept((byte)0);
                if (i >= 0) return p + i;
                p += span.Length;
            }
            return -1;
        }
    }
}
