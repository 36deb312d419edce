namespace SampleCnn.Audio.Decoding;

/// <summary>The 4-byte header of an MPEG audio frame (ISO 11172-3 / 13818-3).</summary>
internal readonly record struct Mp3FrameHeader(
    int Version, int Layer, int BitrateIndex, int SampleRateIndex, int SampleRate, int Bitrate,
    bool Padding, bool HasCrc, int ChannelModeBits, int ModeExtension, bool Copyright, int Length)
{
    /// <summary>Version field values: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5.</summary>
    public const int Mpeg1 = 3;

    static readonly int[,] BitratesV1 = { { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 }, { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 }, { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 } };
    static readonly int[,] BitratesV2 = { { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 }, { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 }, { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 } };
    static readonly int[] Rates = [44100, 48000, 32000];

    public int Channels => ChannelModeBits == 3 ? 1 : 2;

    /// <summary>Layer III joint stereo with the intensity-stereo extension on.</summary>
    public bool IntensityStereo => Layer == 3 && ChannelModeBits == 1 && (ModeExtension & 1) == 1;

    /// <summary>Samples per channel the frame decodes to.</summary>
    public int SampleCount => Layer == 1 ? 384 : Layer == 3 && Version != Mpeg1 ? 576 : 1152;

    /// <summary>Bytes of Layer III side information, where a Xing/Info tag starts after the header.</summary>
    public int SideInfoLength => Version == Mpeg1 ? (Channels == 1 ? 17 : 32) : (Channels == 1 ? 9 : 17);

    /// <summary>Parses a header; null when the bytes are not one (free-format bitrate is not supported).</summary>
    public static Mp3FrameHeader? Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return null;
        int version = (b[1] >> 3) & 3, layerBits = (b[1] >> 1) & 3, bitrateIndex = b[2] >> 4, rateIndex = (b[2] >> 2) & 3;
        if (version == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3) return null;
        int layer = 4 - layerBits;
        bool padding = ((b[2] >> 1) & 1) == 1;
        int rate = Rates[rateIndex] >> (version == Mpeg1 ? 0 : version == 2 ? 1 : 2);
        int bitrate = 1000 * (version == Mpeg1 ? BitratesV1[layer - 1, bitrateIndex] : BitratesV2[layer - 1, bitrateIndex]);
        int length = layer == 1
            ? (12 * bitrate / rate + (padding ? 1 : 0)) * 4
            : (layer == 3 && version != Mpeg1 ? 72 : 144) * bitrate / rate + (padding ? 1 : 0);
        return new Mp3FrameHeader(version, layer, bitrateIndex, rateIndex, rate, bitrate, padding,
            HasCrc: (b[1] & 1) == 0, ChannelModeBits: b[3] >> 6, ModeExtension: (b[3] >> 4) & 3, Copyright: ((b[3] >> 3) & 1) == 1, length);
    }

    /// <summary>Whether another frame can continue the stream this one started.</summary>
    public bool Continues(Mp3FrameHeader first) =>
        Version == first.Version && Layer == first.Layer && SampleRate == first.SampleRate && Channels == first.Channels;
}
