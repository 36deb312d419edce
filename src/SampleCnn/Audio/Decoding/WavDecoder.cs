using System.Buffers.Binary;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// RIFF/WAVE reader: integer PCM of 8, 16, 24 or 32 bits, IEEE float of 32 or 64 bits, plain or
/// WAVE_FORMAT_EXTENSIBLE, any channel count. Streams the data chunk; never reads it whole.
/// Written here rather than taken from NAudio because we need 64-bit float, streaming and one
/// exception type for every malformed file. Scaling matches ffmpeg's (integer / 2^(bits-1)).
/// A data chunk cut short (a truncated file) gives the whole frames the file holds, as ffmpeg does.
/// </summary>
internal sealed class WavDecoder : IAudioDecoder
{
    const ushort TagPcm = 1, TagFloat = 3, TagExtensible = 0xFFFE;

    private readonly Stream stream;
    private readonly string path;
    private readonly int bits;
    private readonly bool isFloat;
    private readonly int blockAlign;
    private long remainingBytes;
    private byte[] buffer = [];
    private readonly AudioDamage? cut; // known from the header, reported once the reading gets there

    public AudioDamage? Damage { get; private set; }

    public int SampleRate { get; }
    public int Channels { get; }

    /// <summary>Samples per channel in the file.</summary>
    public long Frames { get; }

    public WavDecoder(string path, Stream stream)
    {
        this.path = path;
        this.stream = stream;
        var header = ReadHeader(path, stream);
        if (!header.Supported)
            throw new AudioDecodeException(path, AudioProblem.UnsupportedCodec, $"unsupported WAV codec (format tag 0x{header.Tag:X4}, {header.Bits} bits); install ffmpeg to decode it");
        (SampleRate, Channels, bits, isFloat, blockAlign) = (header.Rate, header.Channels, header.Bits, header.Tag == TagFloat, header.BlockAlign);
        remainingBytes = header.DataBytes / blockAlign * blockAlign;
        Frames = header.DataBytes / blockAlign;
        cut = header.Damage;
    }

    readonly record struct Header(ushort Tag, int Channels, int Rate, int Bits, int BlockAlign, long DataBytes, AudioDamage? Damage = null)
    {
        public bool Supported => Tag == TagPcm && Bits is 8 or 16 or 24 or 32 || Tag == TagFloat && Bits is 32 or 64;
    }

    // Leaves the stream at the first byte of the data chunk.
    static Header ReadHeader(string path, Stream stream)
    {
        stream.Position = 0;
        Span<byte> riff = stackalloc byte[12];
        if (stream.ReadAtLeast(riff, 12, throwOnEndOfStream: false) < 12 || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..12].SequenceEqual("WAVE"u8))
            throw stream.Length == 0
                ? new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes)")
                : new AudioDecodeException(path, AudioProblem.NotAudio, "not a WAV file (no RIFF/WAVE header)");

        Header? format = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
                throw new AudioDecodeException(path, AudioProblem.Truncated, format is null ? "truncated: no fmt chunk" : "truncated: no data chunk");
            var id = chunk[..4];
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long bodyStart = stream.Position;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > 1024) throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: fmt chunk of {size} bytes");
                var fmt = new byte[size];
                if (stream.ReadAtLeast(fmt, (int)size, throwOnEndOfStream: false) < size) throw new AudioDecodeException(path, AudioProblem.Truncated, "truncated: inside the fmt chunk");
                format = ParseFormat(path, fmt);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is not { } f) throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt: data chunk before fmt chunk");
                var available = stream.Length - bodyStart;
                if (available < f.BlockAlign) throw new AudioDecodeException(path, AudioProblem.Truncated, "truncated: no whole sample frame in the data chunk");
                if (size > available)
                    return f with { DataBytes = available, Damage = new AudioDamage(AudioProblem.Truncated, $"truncated: the data chunk declares {size:N0} bytes, the file holds {available:N0}") };
                if (size % f.BlockAlign != 0)
                    return f with { DataBytes = size, Damage = new AudioDamage(AudioProblem.Corrupt, $"corrupt: the data chunk of {size:N0} bytes ends inside a {f.BlockAlign}-byte frame") };
                return f with { DataBytes = size };
            }
            long next = bodyStart + size + (size & 1);
            if (next > stream.Length) throw new AudioDecodeException(path, AudioProblem.Truncated, $"truncated: chunk '{System.Text.Encoding.ASCII.GetString(id)}' runs past the end of the file");
            stream.Position = next;
        }
    }

    static Header ParseFormat(string path, byte[] fmt)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
        long rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(12));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
        if (tag == TagExtensible)
        {
            if (fmt.Length < 40) throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt: WAVE_FORMAT_EXTENSIBLE header is too short");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24)); // first two bytes of the sub-format GUID
        }
        if (channels < 1 || channels > 256) throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: {channels} channels");
        AudioDecoders.CheckSampleRate(path, rate);
        if ((tag == TagPcm || tag == TagFloat) && blockAlign != channels * (bits / 8))
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: block align {blockAlign} does not match {channels} channels of {bits} bits");
        if (blockAlign < 1) throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt: block align 0");
        return new Header(tag, channels, (int)rate, bits, blockAlign, 0);
    }

    public int Read(Span<float> interleaved)
    {
        int frames = (int)Math.Min(interleaved.Length / Channels, remainingBytes / blockAlign);
        if (frames == 0)
        {
            Damage ??= cut;
            return 0;
        }
        int bytes = frames * blockAlign;
        if (buffer.Length < bytes) buffer = new byte[bytes];
        int got = stream.ReadAtLeast(buffer.AsSpan(0, bytes), bytes, throwOnEndOfStream: false);
        if (got < bytes) // the file shrank while being read
        {
            Damage = new AudioDamage(AudioProblem.Truncated, "truncated: the file ended inside the data chunk while being read");
            frames = got / blockAlign;
            bytes = frames * blockAlign;
            remainingBytes = bytes;
        }
        remainingBytes -= bytes;
        Convert(buffer.AsSpan(0, bytes), interleaved[..(frames * Channels)]);
        return frames;
    }

    void Convert(ReadOnlySpan<byte> raw, Span<float> output)
    {
        switch (bits, isFloat)
        {
            case (8, false):
                for (int i = 0; i < output.Length; i++) output[i] = (raw[i] - 128) / 128f;
                break;
            case (16, false):
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]) / 32768f;
                break;
            case (24, false):
                for (int i = 0; i < output.Length; i++)
                    output[i] = ((raw[3 * i] << 8) | (raw[3 * i + 1] << 16) | (raw[3 * i + 2] << 24)) / 2147483648f;
                break;
            case (32, false):
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]) / 2147483648f;
                break;
            case (32, true):
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                break;
            default:
                for (int i = 0; i < output.Length; i++) output[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                break;
        }
    }

    public void Dispose() => stream.Dispose();
}
