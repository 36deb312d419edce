using NLayer;

namespace SampleCnn.Audio.Decoding;

/// <summary>One frame's bytes in the form NLayer's frame decoder reads (header fields and a bit reader over the payload).</summary>
internal sealed class Mp3Frame(Mp3FrameHeader header, byte[] data) : IMpegFrame
{
    private int offset;
    private int bitsHeld;
    private ulong bits;

    public int SampleRate => header.SampleRate;
    public int SampleRateIndex => header.SampleRateIndex;
    public int FrameLength => header.Length;
    public int BitRate => header.Bitrate;
    public MpegVersion Version => header.Version switch { Mp3FrameHeader.Mpeg1 => MpegVersion.Version1, 2 => MpegVersion.Version2, _ => MpegVersion.Version25 };
    public MpegLayer Layer => (MpegLayer)header.Layer;
    public MpegChannelMode ChannelMode => (MpegChannelMode)header.ChannelModeBits;
    public int ChannelModeExtension => header.ModeExtension;
    public int SampleCount => header.SampleCount;
    public int BitRateIndex => header.BitrateIndex;
    public bool IsCopyrighted => header.Copyright;
    public bool HasCrc => header.HasCrc;
    public bool IsCorrupted => false; // the scanner has checked the structure

    public void Reset()
    {
        offset = 4 + (header.HasCrc ? 2 : 0);
        bitsHeld = 0;
        bits = 0;
    }

    public int ReadBits(int bitCount)
    {
        if (bitCount is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(bitCount));
        while (bitsHeld < bitCount)
        {
            if (offset >= header.Length) throw new EndOfStreamException("read past the end of an MP3 frame");
            bits = bits << 8 | data[offset++];
            bitsHeld += 8;
        }
        bitsHeld -= bitCount;
        return (int)((bits >> bitsHeld) & ((1UL << bitCount) - 1));
    }
}
