using SampleCnn.Audio.Signal;
using SampleCnn.Models;
using SampleCnn.Platform;
namespace SampleCnn.Data.Store;

/// <summary>How a store is prepared.</summary>
/// <param name="SampleRate">Rate the audio is resampled to (the model's; recorded in the manifest).</param>
/// <param name="MaxClipSamples">Samples kept from the start of each clip (the paper's 640,512); null keeps whole files.</param>
/// <param name="Workers">Files decoded in parallel; the store is the same for any number.</param>
public sealed record PrepareOptions(int SampleRate = PrepareOptions.DefaultSampleRate, long? MaxClipSamples = SegmentPlan.PaperClipSamples, int Workers = 0)
{
    /// <summary>The paper's rate.</summary>
    public const int DefaultSampleRate = Waveform.PaperSampleRate;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>Options for a store at <paramref name="sampleRate"/>.</summary>
    /// <param name="maxSeconds">Audio kept from each clip's start: 0 keeps whole files; null, the paper's clip
    /// (640,512 samples at 22050 Hz, 29.05 s), the same duration at any rate.</param>
    public static PrepareOptions At(int sampleRate, double? maxSeconds = null, int workers = 0)
    {
        if (sampleRate is < ModelSpec.MinSampleRate or > ModelSpec.MaxSampleRate)
            throw new OptionException(nameof(SampleRate), "sample rate", sampleRate, $"must be {ModelSpec.MinSampleRate} to {ModelSpec.MaxSampleRate} Hz");
        long? max = maxSeconds switch
        {
            null => (long)Math.Round((double)SegmentPlan.PaperClipSamples * sampleRate / Waveform.PaperSampleRate),
            0 => null,
            { } seconds => (long)(seconds * sampleRate),
        };
        return new PrepareOptions(sampleRate, max, workers);
    }
}
