namespace SampleCnn.Audio;

/// <summary>Why a file could not be decoded.</summary>
public enum AudioProblem
{
    Empty,
    Truncated,
    NotAudio,
    WrongExtension,
    UnsupportedCodec,
    Corrupt,
}

/// <summary>
/// The one error audio input raises: the file could not be turned into samples. The message names
/// the file and the reason; <see cref="Problem"/> classifies it for batch reports.
/// </summary>
public sealed class AudioDecodeException(string path, AudioProblem problem, string reason, Exception? inner = null)
    : IOException($"{path}: {reason}", inner)
{
    public string Path { get; } = path;
    public AudioProblem Problem { get; } = problem;
}
