using NVorbis;

namespace SampleCnn.Audio;

/// <summary>Ogg Vorbis through NVorbis.</summary>
public sealed class VorbisDecoder : IAudioDecoder
{
    private readonly VorbisReader reader;
    private readonly string path;

    public int SampleRate { get; }
    public int Channels { get; }

    public VorbisDecoder(string path, Stream stream)
    {
        this.path = path;
        try
        {
            reader = new VorbisReader(stream, closeOnDispose: true);
            SampleRate = reader.SampleRate;
            Channels = reader.Channels;
        }
        catch (Exception e)
        {
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt Ogg Vorbis: {e.Message}", e);
        }
        if (SampleRate < 1000 || Channels < 1)
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt Ogg Vorbis: {SampleRate} Hz, {Channels} channels");
    }

    public int Read(Span<float> interleaved)
    {
        try
        {
            return reader.ReadSamples(interleaved[..(interleaved.Length / Channels * Channels)]) / Channels;
        }
        catch (Exception e)
        {
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt Ogg Vorbis: {e.Message}", e);
        }
    }

    public void Dispose() => reader.Dispose();
}
