using NVorbis;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Ogg Vorbis through NVorbis, fed only the pages whose checksum holds (<see cref="OggPageFilter"/>). Where
/// pages were dropped, or NVorbis gives up on a damaged stream, the audio it could decode is kept and the
/// file reported as recovered.
/// </summary>
internal sealed class VorbisDecoder : IAudioDecoder
{
    private readonly VorbisReader reader;
    private readonly string path;
    private readonly OggPageFilter pages;
    private long framesRead;
    private string? stopped;

    public int SampleRate { get; }
    public int Channels { get; }

    public AudioDamage? Damage
    {
        get
        {
            var parts = new List<string>();
            if (pages.DroppedPages > 0 || pages.DroppedBytes > 0)
                parts.Add($"corrupt: left out {pages.DroppedPages} damaged Ogg page(s) and {pages.DroppedBytes:N0} bytes");
            if (pages.Truncated) parts.Add("truncated: the file ends inside an Ogg page");
            if (stopped is not null) parts.Add(stopped);
            return parts.Count == 0 ? null
                : new AudioDamage(pages.Truncated && parts.Count == 1 ? AudioProblem.Truncated : AudioProblem.Corrupt, string.Join("; ", parts));
        }
    }

    public VorbisDecoder(string path, Stream stream)
    {
        this.path = path;
        try
        {
            pages = new OggPageFilter(stream);
            reader = new VorbisReader(pages, closeOnDispose: true);
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
        if (stopped is not null) return 0;
        try
        {
            int frames = reader.ReadSamples(interleaved[..(interleaved.Length / Channels * Channels)]) / Channels;
            framesRead += frames;
            return frames;
        }
        catch (Exception e) when (AudioDecodeException.IsPerFile(e))
        {
            if (framesRead == 0) throw new AudioDecodeException(path, AudioProblem.Corrupt, "corrupt Ogg Vorbis: no decodable audio", e);
            stopped = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the Vorbis stream cannot be decoded past {(double)framesRead / SampleRate:F2} s; the rest was left out");
            return 0;
        }
    }

    public void Dispose() => reader.Dispose();
}
