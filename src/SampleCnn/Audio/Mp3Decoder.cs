using NLayer;

namespace SampleCnn.Audio;

/// <summary>
/// MP3 (MPEG-1/2/2.5 layers I-III) through NLayer, after <see cref="Mp3FrameScanner"/> has checked the
/// frame structure. NLayer trims the encoder delay and padding named in a LAME/Xing header, as ffmpeg does.
/// </summary>
public sealed class Mp3Decoder : IAudioDecoder
{
    private readonly MpegFile mpeg;
    private readonly string path;
    private float[] buffer = [];

    public int SampleRate { get; }
    public int Channels { get; }

    public Mp3Decoder(string path, Stream stream)
    {
        this.path = path;
        var layout = Mp3FrameScanner.Scan(path, stream);
        try
        {
            mpeg = new MpegFile(stream);
        }
        catch (Exception e)
        {
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt MP3: {e.Message}", e);
        }
        SampleRate = mpeg.SampleRate;
        Channels = mpeg.Channels;
        if (SampleRate != layout.SampleRate || Channels is < 1 or > 2)
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt MP3: inconsistent stream ({SampleRate} Hz, {Channels} channels)");
    }

    public int Read(Span<float> interleaved)
    {
        int wanted = interleaved.Length / Channels * Channels;
        if (buffer.Length < wanted) buffer = new float[wanted];
        int read;
        try
        {
            read = mpeg.ReadSamples(buffer, 0, wanted);
        }
        catch (Exception e)
        {
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt MP3: {e.Message}", e);
        }
        buffer.AsSpan(0, read).CopyTo(interleaved);
        return read / Channels;
    }

    public void Dispose() => mpeg.Dispose();
}
