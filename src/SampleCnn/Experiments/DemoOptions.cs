using SampleCnn.Platform;

namespace SampleCnn.Experiments;

/// <summary>The demo's choices: where it writes, its time budget, the synthetic clips, the model trained.</summary>
public sealed record DemoOptions
{
    public const string DefaultOut = "samplecnn-demo";
    public const double DefaultMinutes = 10;
    public const double DefaultSeconds = 4;
    public const string DefaultModel = "3^7";

    /// <summary>Fewest clips: ten of every hundred go to valid and ten to test, and each needs some.</summary>
    public const int MinimumClips = 20;

    public string Out { get; init; } = DefaultOut;

    /// <summary>Time budget for the whole demo; training gets about 75% of it.</summary>
    public double Minutes { get; init; } = DefaultMinutes;

    /// <summary>Synthetic clips to generate; null: sized for the budget (<see cref="ClipCount"/>).</summary>
    public int? Clips { get; init; }

    /// <summary>Length of each clip.</summary>
    public double Seconds { get; init; } = DefaultSeconds;

    /// <summary>The model trained: 3^7 reads 6561-sample segments, small enough for a CPU budget.</summary>
    public string Model { get; init; } = DefaultModel;

    public int Seed { get; init; } = Seeds.Default;

    public int ClipCount => Clips ?? (int)Math.Clamp(Minutes * 40, 40, 400);

    public double TrainingMinutes => Math.Max(0.1, Minutes * 0.75);
}
