namespace SampleCnn.Audio.Decoding;

/// <summary>Bytes skipped before audio frame <see cref="BeforeFrame"/> (0-based), which starts at <see cref="Position"/>.</summary>
internal readonly record struct Mp3Gap(int BeforeFrame, long Position, long Skipped);
