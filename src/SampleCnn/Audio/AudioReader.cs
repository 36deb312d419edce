namespace SampleCnn.Audio;

/// <summary>
/// A file as a stream of mono samples at the model's rate: decode, average the channels, resample.
/// Reads the file chunk by chunk, so memory stays bounded however long the file is.
/// </summary>
public sealed class AudioReader : IDisposable
{
    const int ChunkFrames = 16384;

    private readonly IAudioDecoder decoder;
    private readonly Resampler? resampler;
    private readonly float[] interleaved;
    private readonly float[] mono = new float[ChunkFrames];
    private readonly List<float> pending = new();
    private int pendingOffset;
    private bool ended;

    public string Path { get; }
    public int SampleRate { get; }
    public int SourceSampleRate => decoder.SampleRate;
    public int SourceChannels => decoder.Channels;

    public AudioReader(string path, int sampleRate = Waveform.PaperSampleRate)
    {
        Path = path;
        SampleRate = sampleRate;
        decoder = AudioDecoders.Open(path);
        interleaved = new float[ChunkFrames * decoder.Channels];
        resampler = decoder.SampleRate == sampleRate ? null : new Resampler(decoder.SampleRate, sampleRate);
    }

    /// <summary>Fills <paramref name="output"/>; returns the samples written, 0 at the end of the file.</summary>
    public int Read(Span<float> output)
    {
        int written = 0;
        while (written < output.Length)
        {
            if (pendingOffset == pending.Count && !Refill()) break;
            int n = Math.Min(output.Length - written, pending.Count - pendingOffset);
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending).Slice(pendingOffset, n).CopyTo(output[written..]);
            pendingOffset += n;
            written += n;
        }
        return written;
    }

    bool Refill()
    {
        pending.Clear();
        pendingOffset = 0;
        while (pending.Count == 0 && !ended)
        {
            int frames = decoder.Read(interleaved);
            if (frames == 0)
            {
                ended = true;
                resampler?.Flush(pending);
                break;
            }
            Downmix(interleaved.AsSpan(0, frames * decoder.Channels), decoder.Channels, mono);
            var chunk = mono.AsSpan(0, frames);
            if (resampler is null) pending.AddRange(chunk);
            else resampler.Process(chunk, pending);
        }
        return pending.Count > 0;
    }

    /// <summary>Average of the channels, frame by frame.</summary>
    public static void Downmix(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        int frames = interleaved.Length / channels;
        if (channels == 1)
        {
            interleaved.CopyTo(mono);
            return;
        }
        float scale = 1f / channels;
        for (int f = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += interleaved[f * channels + c];
            mono[f] = sum * scale;
        }
    }

    /// <summary>Reads a whole file (or its first <paramref name="maxSamples"/> samples) into memory.</summary>
    public static Waveform Load(string path, int sampleRate = Waveform.PaperSampleRate, long maxSamples = long.MaxValue)
    {
        using var reader = new AudioReader(path, sampleRate);
        var samples = new List<float>();
        var buffer = new float[ChunkFrames];
        while (samples.Count < maxSamples)
        {
            int n = reader.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, maxSamples - samples.Count)));
            if (n == 0) break;
            samples.AddRange(buffer.AsSpan(0, n));
        }
        return new Waveform(samples.ToArray(), sampleRate);
    }

    public void Dispose() => decoder.Dispose();
}
