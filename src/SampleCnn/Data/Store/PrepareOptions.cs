using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
namespace SampleCnn.Data.Store;

/// <summary>How a store is prepared.</summary>
/// <param name="SampleRate">Rate the audio is resampled to (the model's).</param>
/// <param name="MaxClipSamples">Samples kept from the start of each clip (the paper's 640,512); null keeps whole files.</param>
/// <param name="Workers">Files decoded in parallel; the store is the same for any number.</param>
public sealed record PrepareOptions(int SampleRate = Waveform.PaperSampleRate, long? MaxClipSamples = SegmentPlan.PaperClipSamples, int Workers = 0)
{
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

/// <summary>Progress of a prepare: clips done of the total in this listing, and those done before a resume.</summary>
public readonly record struct PrepareProgress(int Done, int Total, int Resumed, int Skipped);

/// <summary>What a prepare did: the finished store's manifest, everything it left out, and the damaged files it kept part of.</summary>
public sealed record PrepareReport(StoreManifest Manifest, DatasetListing Listing, IReadOnlyList<SkippedItem> Unreadable, int Resumed,
    IReadOnlyList<SkippedItem> Recovered);
