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
    [Description("Audio kept from the start of each clip; 0 keeps whole files. Default: the paper's 640,512 samples (29.05 s).")]
    public double? MaxSeconds { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out STORE is required")
        : Workers < 0 ? ValidationResult.Error("--workers must be 0 (all cores) or more")
        : MaxSeconds < 0 ? ValidationResult.Error("--max-seconds must be 0 (whole files) or more")
        : ValidationResult.Success();

    /// <summary>The library's defaults, with what was given.</summary>
    public PrepareOptions Options
    {
        get
        {
            var options = new PrepareOptions(Workers: Workers);
            return MaxSeconds is { } seconds ? options with { MaxClipSamples = seconds == 0 ? null : (long)(seconds * options.SampleRate) } : options;
        }
    }
}
