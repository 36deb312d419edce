namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Wraps every decoder: a sample that is not finite or lies beyond +-<see cref="Limit"/> (12 dB over
/// full scale) is damaged data (a corrupt MP3 payload, flipped float WAV bytes), not audio. Such samples
/// are silenced and the file counts as recovered; a file where they are the majority is refused.
/// </summary>
internal sealed class SampleRangeGuard(IAudioDecoder inner, string path) : IAudioDecoder
{
    public const float Limit = 4f;

    private long samplesSeen, silenced;

    public int SampleRate => inner.SampleRate;
    public int Channels => inner.Channels;

    public AudioDamage? Damage => silenced == 0 ? inner.Damage
        : new AudioDamage(inner.Damage?.Problem ?? AudioProblem.Corrupt,
            (inner.Damage is { } d ? d.Reason + "; " : "corrupt: ") + $"{silenced:N0} sample(s) beyond +-{Limit} silenced");

    public int Read(Span<float> interleaved)
    {
        int frames = inner.Read(interleaved);
        var samples = interleaved[..(frames * Channels)];
        for (int bad; (bad = samples.IndexOfAnyExceptInRange(-Limit, Limit)) >= 0; samples = samples[(bad + 1)..])
        {
            samples[bad] = 0;
            silenced++;
        }
        samplesSeen += frames * Channels;
        if (frames == 0 && 2 * silenced > samplesSeen)
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: {silenced:N0} of {samplesSeen:N0} samples are beyond +-{Limit}, not audio");
        return frames;
    }

    public void Dispose() => inner.Dispose();
}
