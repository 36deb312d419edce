using System.ComponentModel;
using SampleCnn.Tagging;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of the verbs that run a trained model over audio files segment by segment (tag, embed): which segments, in what batches, at what precision.</summary>
internal class TaggerSettings : TrainedModelSettings
{
    [CommandOption("--segments <N>")] [Description("Segments per file from its start (the paper: 10); 0 = the whole file.")] [DefaultValue(0)]
    public int Segments { get; init; }

    [CommandOption("--batch-size <N>")] [DefaultValue(TaggerOptions.DefaultBatchSize)] public int BatchSize { get; init; } = TaggerOptions.DefaultBatchSize;
    [CommandOption("--precision <P>")] [Description("fp32 or bf16.")] [DefaultValue("fp32")] public string Precision { get; init; } = "fp32";

    [CommandOption("--decode-threads <N>")] [Description("Files decoded at once (default: one, plus one per core --threads leaves free).")]
    public int? DecodeThreads { get; init; }

    /// <summary>The problem with these options, or null.</summary>
    protected string? Problem() =>
        Precision is not ("fp32" or "bf16") ? $"--precision '{Precision}': expected fp32 or bf16"
        : Segments < 0 ? "--segments must be 0 (all) or more"
        : DecodeThreads < 1 ? "--decode-threads must be at least 1"
        : null;

    /// <summary>How the library runs the model, as far as these options say.</summary>
    public TaggerOptions TaggerOptions => new(Segments == 0 ? null : Segments, BatchSize, Precision == "bf16", DecodeThreads: DecodeThreads);
}
