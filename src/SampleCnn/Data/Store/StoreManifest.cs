namespace SampleCnn.Data.Store;

/// <summary>
/// What a finished segment store holds. Samples are int16 PCM at <see cref="SampleRate"/>: a sample s is
/// stored as round(s * 32768) clamped to [-32768, 32767], so the error is at most 1/65536 (-102 dBFS RMS
/// for uniform rounding), and anything beyond full scale is clipped (<see cref="FullScaleSamples"/> counts the samples at either limit).
/// No timestamps or machine details: a store prepared twice from the same data is byte-identical.
/// </summary>
public sealed record StoreManifest(
    int Version, string Format, int SampleRate, string Source, string[] Tags,
    int Clips, int Skipped, long Samples, long MaxClipSamples, long FullScaleSamples,
    string SamplesSha256, string IndexSha256)
{
    public const int CurrentVersion = 1;
    public const string Int16Format = "int16le";
    public const string FileName = "manifest.json";

    /// <summary>Hours of audio in the store.</summary>
    public double Hours => Samples / (double)SampleRate / 3600;
}
