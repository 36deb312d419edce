namespace SampleCnn.Audio;

/// <summary>
/// Wraps every decoder: a sample that is not finite or lies beyond +-<see cref="Limit"/> (12 dB over
/// full scale) means the file decoded to garbage (a corrupt MP3 payload, flipped float WAV bytes),
/// so the file is refused rather than returned as audio.
/// </summary>
sealed class SampleRangeGuard(IAudioDecoder inner, string path) : IAudioDecoder
{
    public const float Limit = 4f;

    private long framesSeen;

    public int SampleRate => inner.SampleRate;
    public int Channels => inner.Channels;

    public int Read(Span<float> interleaved)
    {
        int frames = inner.Read(interleaved);
        var samples = interleaved[..(frames * Channels)];
        int bad = samples.IndexOfAnyExceptInRange(-Limit, Limit);
        if (bad >= 0)
            throw new AudioDecodeException(path, AudioProblem.Corrupt,
                $"corrupt: sample {samples[bad]} at {(double)(framesSeen + bad / Channels) / SampleRate:F3} s is not audio");
        framesSeen += frames;
        return frames;
    }

    public void Dispose() => inner.Dispose();
}
