namespace SampleCnn.Serving;

/// <summary>What became of a request to <see cref="TagService"/>.</summary>
public enum ServiceStatus
{
    /// <summary>Tagged (or found not to be audio: <see cref="Tagging.FileTags.Failed"/>).</summary>
    Done,

    /// <summary>Refused at once: the queue held as many requests as it may.</summary>
    Busy,

    /// <summary>Not done within the request timeout; its segments not yet run were dropped.</summary>
    TimedOut,

    /// <summary>Refused: the audio runs past the longest allowed (decoding stopped there).</summary>
    TooLong,
}
