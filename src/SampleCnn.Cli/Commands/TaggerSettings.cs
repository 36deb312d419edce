using System.ComponentModel;
using SampleCnn.Tagging;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of the verbs that run a trained model over audio files segment by segment (tag, embed): which segments, in what batches, at what precision.</summary>
internal class TaggerSettings : TrainedModelSettings
{
    [CommandArgument(0, "[INPUTS]")] [Description("Audio files, folders (searched recursively) or patterns such as music/*.mp3; or --manifest.")]
    public string[] Inputs { get; init; } = [];

    [CommandOption("--manifest <FILE>")] [Description("A list of files instead of INPUTS: one path a line, or a CSV/TSV with a path column; paths relative to --audio-root.")]
    public string? Manifest { get; init; }

    [CommandOption("--audio-root <DIR>")] [Description("With --manifest: the folder its relative paths start from (default: the current folder).")]
    public string? AudioRoot { get; init; }

    [CommandOption("--shard <I/N>")]
    [Description($"With --manifest: work on shard I of N (from 0), the files whose path hashes to I. Default: from JOB_COMPLETION_INDEX and {SampleCnn.Tagging.Shard.CountVariable} (Kubernetes Indexed Job), or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm array), else the whole manifest.")]
    public string? Shard { get; init; }

    [CommandOption("--segments <N>")] [Description("Segments per file from its start (the paper: 10); 0 = the whole file.")] [DefaultValue(0)]
    public int Segments { get; init; }

    [CommandOption("--batch-size <N>")] [DefaultValue(TaggerOptions.DefaultBatchSize)] public int BatchSize { get; init; } = TaggerOptions.DefaultBatchSize;
    [CommandOption(TagScoreSettings.PrecisionOption)] [Description(TagScoreSettings.PrecisionHelp + " tag also int8 (with --engine onnx and --calibrate STORE).")]
    [DefaultValue(TagScoreSettings.PrecisionDefault)]
    public string Precision { get; init; } = TagScoreSettings.PrecisionDefault;

    [CommandOption("--decode-threads <N>")] [Description("Files decoded at once (default: one per core with --engine onnx or winograd; else one, plus one per core --threads leaves free).")]
    public int? DecodeThreads { get; init; }

    /// <summary>The problem with these options, or null.</summary>
    protected string? Problem() =>
        TagScoreSettings.PrecisionProblem(Precision, int8: true) is { } precision ? precision
        : Segments < 0 ? "--segments must be 0 (all) or more"
        : DecodeThreads < 1 ? "--decode-threads must be at least 1"
        : null;

    /// <summary>The problem with the inputs named (files, or a manifest and its shard), or null.</summary>
    protected string? InputsProblem() =>
        Inputs.Length == 0 && Manifest is null ? "give at least one audio file, folder or pattern, or --manifest FILE"
        : Inputs.Length > 0 && Manifest is not null ? "INPUTS and --manifest: choose one"
        : Manifest is null && (AudioRoot ?? Shard) is not null ? "--audio-root and --shard go with --manifest FILE"
        : null;

    /// <summary>The manifest's shard to work on, or null when INPUTS name the files.</summary>
    public ShardedInputs? Sharded => Manifest is null ? null : new ShardedInputs(Manifest, AudioRoot, Shard);

    /// <summary>How the library runs the model, as far as these options say.</summary>
    public TaggerOptions TaggerOptions => new(Segments == 0 ? null : Segments, BatchSize, Precision == "bf16", DecodeThreads: DecodeThreads);
}
