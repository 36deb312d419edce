using System.Globalization;
using SampleCnn.Platform;

namespace SampleCnn.Experiments;

/// <summary>What every model of a comparison gets: the same number of epochs, or the same training minutes.</summary>
public sealed record ExperimentBudget
{
    ExperimentBudget(int? epochs, double? minutes) => (Epochs, Minutes) = (epochs, minutes);

    /// <summary>Epochs per model, for an equal-epochs comparison.</summary>
    public int? Epochs { get; }

    /// <summary>Training minutes per model, for an equal-time comparison.</summary>
    public double? Minutes { get; }

    public static ExperimentBudget EqualEpochs(int epochs) =>
        epochs >= 1 ? new(epochs, null) : throw new OptionException(nameof(Epochs), "epochs per model", epochs, "must be at least 1");

    public static ExperimentBudget EqualMinutes(double minutes) =>
        minutes > 0 ? new(null, minutes) : throw new OptionException(nameof(Minutes), "training minutes per model", minutes, "must be positive");

    /// <summary>The budget as the table's heading states it.</summary>
    public override string ToString() => Epochs is { } epochs
        ? $"{epochs} epochs each"
        : $"{Minutes!.Value.ToString(CultureInfo.InvariantCulture)} training minutes each";
}
