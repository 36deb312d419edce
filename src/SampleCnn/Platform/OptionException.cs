using System.Globalization;

namespace SampleCnn.Platform;

/// <summary>
/// An option given a value it cannot take, e.g. "batch size 1: must be at least 2 (BatchNorm cannot train on one
/// segment)". An ArgumentException without a parameter name, so the message stays as written.
/// </summary>
internal sealed class OptionException : ArgumentException, IOptionMessage
{
    /// <param name="option">The options property, e.g. nameof(TrainingOptions.BatchSize).</param>
    /// <param name="meaning">What the option is, in words: "batch size".</param>
    /// <param name="value">The value given, or null when the problem is not one value.</param>
    /// <param name="problem">What is wrong with it: "must be at least 2".</param>
    public OptionException(string option, string meaning, object? value, string problem)
        : base(Compose(meaning, Show(value), problem))
    {
        Option = option;
        Value = Show(value);
        Problem = problem;
    }

    public string Option { get; }

    /// <summary>The value as shown in the message, or null.</summary>
    public string? Value { get; }

    public string Problem { get; }

    public string MessageNaming(string name) => Compose(name, Value, Problem);

    static string? Show(object? value) => value is null ? null : string.Format(CultureInfo.InvariantCulture, "{0}", value);

    static string Compose(string name, string? value, string problem) => value is null ? $"{name}: {problem}" : $"{name} {value}: {problem}";
}
