namespace SampleCnn.Audio.Decoding;

/// <summary>
/// A decoder streaming interleaved float samples in [-1, 1] at the file's own rate and channel count (one channel,
/// the average, where the caller asked for mono and the decoder mixes before synthesis: <see cref="Mp3Decoder"/>).
/// </summary>
internal interface IAudioDecoder : IDisposable
{
    int SampleRate { get; }
    int Channels { get; }

    /// <summary>Fills <paramref name="interleaved"/> with whole frames; returns the frames read, 0 at the end.</summary>
    int Read(Span<float> interleaved);

    /// <summary>What was left out of a damaged file so far (null while nothing was): the file is then "recovered".</summary>
    AudioDamage? Damage { get; }
}
