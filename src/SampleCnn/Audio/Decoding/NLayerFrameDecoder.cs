using NLayer;

namespace SampleCnn.Audio.Decoding;

/// <summary>NLayer's frame decoder, the fallback where libmpg123 is missing (<see cref="Mpg123"/>).</summary>
/// <param name="mix">Mix the two channels to one before the filterbanks ((L + R) / 2, or M / sqrt 2 for mid/side granules).</param>
internal sealed class NLayerFrameDecoder(bool mix) : IMp3FrameDecoder
{
    private readonly MpegFrameDecoder decoder = new() { StereoMode = mix ? StereoMode.DownmixToMono : StereoMode.Both };

    public int Decode(Mp3FrameHeader header, byte[] frame, float[] output) => decoder.DecodeFrame(new Mp3Frame(header, frame), output, 0);

    public void Reset() => decoder.Reset();

    public void Dispose() { }
}
