using SampleCnn.Audio.Signal;
namespace SampleCnn.Audio.Decoding;

/// <summary>
/// A file as a stream of mono samples at the model's rate: decode, average the channels, resample.
/// Reads the file chunk by chunk, so memory stays bounded however long the file is. A damaged file
/// gives what could be decoded and names the damage in <see cref="Damage"/>; any failure is an
/// <see cref="AudioDecodeException"/> naming the file.
/// </summary>
internal sealed class AudioReader : IDisposable
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

    /// <summary>Samples returned by <see cref="Read"/> so far.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>What was left out of a damaged file so far; null while nothing was.</summary>
    public AudioDamage? Damage => decoder.Damage;

    /// <param name="cancel">Stops the decode (an ffmpeg process is killed); reads then throw <see cref="OperationCanceledException"/>.</param>
    public AudioReader(string path, int sampleRate = Waveform.PaperSampleRate, CancellationToken cancel = default)
    {
        Path = path;
        SampleRate = sampleRate;
        try
        {
            decoder = AudioDecoders.Open(path, cancel, mono: true);
        }
        catch (Exception e) when (IsInternal(e))
        {
            throw Internal(e);
        }
        try
        {
            interleaved = new float[ChunkFrames * decoder.Channels];
            resampler = decoder.SampleRate == sampleRate ? null : new Resampler(decoder.SampleRate, sampleRate);
        }
        catch (Exception e)
        {
            decoder.Dispose();
            if (IsInternal(e)) throw Internal(e);
            throw;
        }
    }

    // Decoders raise AudioDecodeException for the damage they know of; anything else thrown while
    // decoding (a library's internal error on damaged data) becomes one, with a reason a person can read.
    static bool IsInternal(Exception e) => e is not AudioDecodeException && AudioDecodeException.IsPerFile(e);

    AudioDecodeException Internal(Exception e) => new(Path, AudioProblem.Corrupt, "corrupt: the decoder failed on damaged data", e);

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
        SamplesRead += written;
        return written;
    }

    bool Refill()
    {
        pending.Clear();
        pendingOffset = 0;
        while (pending.Count == 0 && !ended)
        {
            try
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
            catch (Exception e) when (IsInternal(e))
            {
                throw Internal(e);
            }
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
    public static Waveform Load(string path, int sampleRate = Waveform.PaperSampleRate, long maxSamples = long.MaxValue) =>
        Load(path, sampleRate, maxSamples, out _);

    /// <summary>As <see cref="Load(string, int, long)"/>, naming what was left out of a damaged file (null if nothing was).</summary>
    public static Waveform Load(string path, int sampleRate, long maxSamples, out AudioDamage? damage, CancellationToken cancel = default)
    {
        using var reader = new AudioReader(path, sampleRate, cancel);
        var samples = new List<float>();
        var buffer = new float[ChunkFrames];
        while (samples.Count < maxSamples)
        {
            int n = reader.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, maxSamples - samples.Count)));
            if (n == 0) break;
            samples.AddRange(buffer.AsSpan(0, n));
        }
        damage = reader.Damage;
        return new Waveform(samples.ToArray(), sampleRate);
    }

    public void Dispose() => decoder.Dispose();
}
