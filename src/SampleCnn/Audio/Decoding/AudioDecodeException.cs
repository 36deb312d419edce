namespace SampleCnn.Audio.Decoding;

/// <summary>
/// The one error audio input raises: the file could not be turned into samples. The message names
/// the file and the reason; <see cref="Problem"/> classifies it for batch reports and <see cref="Reason"/>
/// is the message without the file name, for lists that show the name already.
/// </summary>
internal sealed class AudioDecodeException(string path, AudioProblem problem, string reason, Exception? inner = null)
    : IOException($"{path}: {reason}", inner)
{
    public string Path { get; } = path;
    public AudioProblem Problem { get; } = problem;
    public string Reason { get; } = reason;

    /// <summary>
    /// Whether a batch should record <paramref name="error"/> against the one file it was reading and go on:
    /// anything but cancellation and faults of the process itself (out of memory, a broken runtime).
    /// </summary>
    public static bool IsPerFile(Exception error) =>
        error is not (OperationCanceledException or OutOfMemoryException or InsufficientExecutionStackException
            or StackOverflowException or AccessViolationException or System.Runtime.InteropServices.SEHException);

    /// <summary>A reason a person can read for a per-file failure of any kind.</summary>
    public static string ReasonFor(Exception error) =>
        error is AudioDecodeException decode ? decode.Reason : $"could not be read ({error.GetType().Name}: {error.Message})";
}
