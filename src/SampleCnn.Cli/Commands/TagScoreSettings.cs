using System.ComponentModel;
using System.Globalization;
using SampleCnn.Tagging;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// Options of the verbs that give a model's tag scores (serve, and tag): what runs the network, at what precision, and how
/// scores become yes/no tags. Defined here once; tag's settings, which derive from its file inputs (<see cref="TaggerSettings"/>,
/// shared with embed, which has no tag scores), declare the same properties from these definitions, as
/// <see cref="TrainedModelSettings"/> does with <see cref="DeviceSettings"/>'s.
/// </summary>
internal class TagScoreSettings : TrainedModelSettings
{
    public const string EngineOption = "--engine <ENGINE>", EngineDefault = "torch",
        EngineHelp = "What runs the network: torch (libtorch), onnx (ONNX Runtime on the graph export --onnx writes) or winograd (our fused Winograd F(6,3) code; basic m = 3 models, fp32).";
    public const string PrecisionOption = "--precision <P>", PrecisionDefault = "fp32", PrecisionHelp = "fp32 or bf16.";
    public const string DecideOption = "--decide <HOW>",
        DecideHelp = "Yes/no tags: tuned (each tag's threshold as evaluate tuned it on the validation split) or one threshold P for every tag; a tag when score >= threshold.";
    public const string ThresholdsOption = "--thresholds <FILE>", ThresholdsHelp = "With --decide tuned: the thresholds file evaluate wrote (default: the one kept with --model).";

    [CommandOption(EngineOption)] [Description(EngineHelp)] [DefaultValue(EngineDefault)] public string Engine { get; init; } = EngineDefault;
    [CommandOption(PrecisionOption)] [Description(PrecisionHelp)] [DefaultValue(PrecisionDefault)] public string Precision { get; init; } = PrecisionDefault;
    [CommandOption(DecideOption)] [Description(DecideHelp)] public string? Decide { get; init; }
    [CommandOption(ThresholdsOption)] [Description(ThresholdsHelp)] public string? ThresholdsFile { get; init; }

    /// <summary>The problem with these options, or null.</summary>
    protected string? ScoreProblem() => EngineProblem(Engine) ?? PrecisionProblem(Precision) ?? DecideProblem(Decide, ThresholdsFile);

    /// <summary>How scores become yes/no tags, as --decide says; null when it is not given.</summary>
    public TagDecision? Decision => DecisionOf(Decide);

    /// <summary>The library's options for running the network, as these options say.</summary>
    public TaggerOptions TaggerOptions => With(new TaggerOptions(), Engine, Precision);

    public static string? EngineProblem(string engine) => engine is "torch" or "onnx" or "winograd" ? null : $"--engine '{engine}': expected torch, onnx or winograd";

    /// <param name="int8">Whether int8 is taken too (tag's ONNX Runtime graph, calibrated on a store).</param>
    public static string? PrecisionProblem(string precision, bool int8 = false) =>
        precision is "fp32" or "bf16" || int8 && precision == "int8" ? null : $"--precision '{precision}': expected {(int8 ? "fp32, bf16 or int8" : "fp32 or bf16")}";

    public static string? DecideProblem(string? decide, string? thresholds) =>
        decide is not null && decide != "tuned" && !(float.TryParse(decide, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1)
            ? $"--decide '{decide}': expected tuned or a threshold from 0 to 1"
        : thresholds is not null && decide != "tuned" ? "--thresholds FILE goes with --decide tuned"
        : null;

    public static TagDecision? DecisionOf(string? decide) => decide switch
    {
        null => null,
        "tuned" => TagDecision.Tuned,
        var p => TagDecision.Global(float.Parse(p, CultureInfo.InvariantCulture)),
    };

    /// <summary><paramref name="options"/> with the engine and precision named.</summary>
    public static TaggerOptions With(TaggerOptions options, string engine, string precision) =>
        options with { Engine = engine switch { "onnx" => TaggerEngine.Onnx, "winograd" => TaggerEngine.Winograd, _ => TaggerEngine.Torch }, BFloat16 = precision == "bf16" };
}
