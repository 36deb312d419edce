namespace SampleCnn.Audio.Decoding;

/// <summary>Why a file could not be decoded, or what was lost from a damaged file that was.</summary>
internal enum AudioProblem
{
    Empty,
    Truncated,
    NotAudio,
    WrongExtension,
    UnsupportedCodec,
    Corrupt,
    TimedOut,
}
