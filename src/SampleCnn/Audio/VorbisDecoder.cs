using NVorbis;

namespace SampleCnn.Audio;

/// <summary>
/// Ogg Vorbis through NVorbis (which skips pages that fail their checksum). Where NVorbis gives up on a
/// damaged stream, the audio before that point is kept and the file reported as recovered.
/// </summary>
public sealed class VorbisDecoder : IAudioDecoder
{
    private readonly VorbisReader reader;
    private readonly string path;
    private long framesRead;

    public int SampleRate { get; }
    public AudioDamage? Damage { get; private set; }
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
        catch (Exception e) when (AudioDecodeException.IsPerFile(e))
        {
            throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt Ogg Vorbis: its headers cannot be read", e);
        }
        if (SampleRate < 1000 || Channels < 1)
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt Ogg Vorbis: {SampleRate} Hz, {Channels} channels");
    }

    public int Read(Span<float> interleaved)
    {
        if (Damage is not null) return 0;
        try
        {
            int frames = reader.ReadSamples(interleaved[..(interleaved.Length / Channels * Channels)]) / Channels;
            framesRead += frames;
            return frames;
        }
        catch (Exception e) when (AudioDecodeException.IsPerFile(e))
        {
            if (framesRead == 0) throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt Ogg Vorbis: no decodable audio", e);
            Damage = new AudioDamage(AudioProblem.Corrupt, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"corrupt: the Ogg Vorbis stream is damaged past {(double)framesRead / SampleRate:F2} s; the rest was left out"));
            return 0;
        }
    }

    public void Dispose() => reader.Dispose();
}
