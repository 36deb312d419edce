namespace SampleCnn.Experiments;

/// <summary>The demo's steps, in order: the same a user takes on real data.</summary>
public enum DemoStep
{
    /// <summary>Synthetic tagged music written as WAV files and a tags CSV.</summary>
    Generating,

    /// <summary>The files prepared into a segment store, as `prepare csv` does.</summary>
    Preparing,

    Training,

    /// <summary>The best checkpoint scored on the test split.</summary>
    Evaluating,

    /// <summary>Two held-out clips tagged, beside the tags they were rendered with.</summary>
    Tagging,

    /// <summary>What the first layers' filters respond to.</summary>
    Visualizing,
}
