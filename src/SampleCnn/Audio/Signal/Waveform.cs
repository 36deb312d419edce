namespace SampleCnn.Audio.Signal;

/// <summary>Mono float samples at a known rate: what every model reads.</summary>
internal sealed record Waveform(float[] Samples, int SampleRate)
{
    /// <summary>The rate the paper resamples everything to.</summary>
    public const int PaperSampleRate = 22050;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
