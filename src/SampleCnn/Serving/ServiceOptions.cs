namespace SampleCnn.Serving;

/// <summary>How `serve` bounds its work (<see cref="TagService"/>).</summary>
/// <param name="Queue">
/// Requests held at once: being decoded, waiting for the network or being scored; one more is refused at once. Counted in
/// requests, not segments, because a request must be refused before its file is decoded, and only decoding tells how many
/// segments it has (the samples held are bounded apart from this: decoding waits while two batches' worth wait).
/// </param>
/// <param name="TimeoutSeconds">How long a request may take once its upload is in: past it, it is answered as timed out and its segments not yet run are dropped.</param>
/// <param name="MaxDurationSeconds">Longer audio is refused; decoding stops as soon as the audio runs past it.</param>
public sealed record ServiceOptions(int Queue = ServiceOptions.DefaultQueue, double TimeoutSeconds = ServiceOptions.DefaultTimeoutSeconds,
    double MaxDurationSeconds = ServiceOptions.DefaultMaxDurationSeconds)
{
    public const int DefaultQueue = 8;
    public const double DefaultTimeoutSeconds = 60;
    public const double DefaultMaxDurationSeconds = 600;
}
