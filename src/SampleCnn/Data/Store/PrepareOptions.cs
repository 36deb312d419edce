using SampleCnn.Audio.Signal;
namespace SampleCnn.Data.Store;

/// <summary>How a store is prepared.</summary>
/// <param name="SampleRate">Rate the audio is resampled to (the model's).</param>
/// <param name="MaxClipSamples">Samples kept from the start of each clip (the paper's 640,512); null keeps whole files.</param>
/// <param name="Workers">Files decoded in parallel; the store is the same for any number.</param>
public sealed record PrepareOptions(int SampleRate = Waveform.PaperSampleRate, long? MaxClipSamples = SegmentPlan.PaperClipSamples, int Workers = 0)
{
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}
