using System.ComponentModel;
using SampleCnn.Data.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>What every `prepare` source shares: where the store goes and how clips are decoded.</summary>
internal class PrepareSettings : CommandSettings
{
    [CommandOption("-o|--out <STORE>")]
    [Description("Folder for the segment store (new or empty; an interrupted one continues).")]
    public string Out { get; init; } = "";

    [CommandOption("--workers <N>")]
    [Description("Files decoded in parallel (default: every core). The store is the same for any number.")]
    public int Workers { get; init; }

    [CommandOption("--max-seconds <S>")]
    [Description("Audio kept from the start of each clip; 0 keeps whole files. Default: the paper's 29.05 s (640,512 samples at 22050 Hz); for jamendo, whole tracks.")]
    public double? MaxSeconds { get; init; }

    [CommandOption("--sample-rate <HZ>")]
    [Description("Rate the audio is decoded and resampled to: the rate of the model that will train or be evaluated on the store (Won et al.'s checkpoints: 16000).")]
    [DefaultValue(PrepareOptions.DefaultSampleRate)]
    public int SampleRate { get; init; } = PrepareOptions.DefaultSampleRate;

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out STORE is required")
        : Workers < 0 ? ValidationResult.Error("--workers must be 0 (all cores) or more")
        : MaxSeconds < 0 ? ValidationResult.Error("--max-seconds must be 0 (whole files) or more")
        : ValidationResult.Success();

    /// <summary>The library's defaults, with what was given.</summary>
    public PrepareOptions Options => PrepareOptions.At(SampleRate, MaxSeconds, Workers);
}
