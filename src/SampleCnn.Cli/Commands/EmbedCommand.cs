using System.ComponentModel;
using System.Globalization;
using SampleCnn.Cli.Views;
using SampleCnn.Tagging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class EmbedCommand(IAnsiConsole console) : Command<EmbedCommand.Settings>
{
    /// <summary>--layer's name for the vector the dense output layer reads.</summary>
    const string Penultimate = "penultimate";

    public sealed class Settings : TaggerSettings
    {
        [CommandOption("-o|--out <FILE>")] [Description("The file to write: .parquet, .npy (its rows described beside it in FILE.rows.jsonl) or .jsonl.")]
        public string Output { get; init; } = "";

        [CommandOption("--layer <LAYER>")]
        [Description("penultimate (the 512-wide input of the dense output layer) or a layer's number: 1 is the first layer, k is module k-1.")]
        [DefaultValue(Penultimate)]
        public string Layer { get; init; } = Penultimate;

        [CommandOption("--pool <POOL>")] [Description("mean, max or meanmax (the means, then the maxima), over time within each segment, then over segments.")]
        [DefaultName(EmbeddingPool.Mean)]
        public string Pool { get; init; } = DefaultNameAttribute.Of(EmbeddingPool.Mean);

        [CommandOption("--per-segment")] [Description("One row per segment, with its start and end in seconds, instead of one per file.")]
        public bool PerSegment { get; init; }

        [CommandOption(TagScoreSettings.EngineOption)]
        [Description("What runs the network: torch (libtorch; every layer), onnx (ONNX Runtime, fp32: the penultimate vector, the graph's embedding output) or winograd (our Winograd F(6,3) code: the penultimate vector of basic m = 3 models, fp32, AVX-512 or AVX2 + FMA).")]
        [DefaultValue(TagScoreSettings.EngineDefault)]
        public string Engine { get; init; } = TagScoreSettings.EngineDefault;

        [CommandOption("--row-group <ROWS>")] [Description("Rows per Parquet row group: the rows held in memory before they are written.")]
        [DefaultValue(EmbeddingOptions.DefaultRowGroupRows)]
        public int RowGroupRows { get; init; } = EmbeddingOptions.DefaultRowGroupRows;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("--model and --out FILE are required")
            : InputsProblem() is { } inputs ? ValidationResult.Error(inputs)
            : Problem() is { } problem ? ValidationResult.Error(problem)
            : Precision == "int8" ? ValidationResult.Error("--precision int8 is tag's (with --engine onnx): embed runs fp32 or bf16")
            : Engine is not ("torch" or "onnx" or "winograd") ? ValidationResult.Error($"--engine '{Engine}': expected torch, onnx or winograd")
            : Engine != "torch" && Layer != Penultimate ? ValidationResult.Error($"--engine {Engine} gives the penultimate vector only: use --engine torch for --layer N")
            : Layer != Penultimate && !int.TryParse(Layer, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? ValidationResult.Error($"--layer '{Layer}': expected penultimate or a layer's number")
            : !Enum.TryParse<EmbeddingPool>(Pool, ignoreCase: true, out _) || int.TryParse(Pool, out _) ? ValidationResult.Error($"--pool '{Pool}': expected mean, max or meanmax")
            : ValidationResult.Success();

        public EmbeddingOptions Options => new(Layer == Penultimate ? null : int.Parse(Layer, CultureInfo.InvariantCulture),
            Enum.Parse<EmbeddingPool>(Pool, ignoreCase: true), PerSegment, RowGroupRows);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var taggerOptions = TagScoreSettings.With(settings.TaggerOptions, settings.Engine, settings.Precision);
        using var session = settings.Sharded is { } sharded
            ? EmbeddingSession.Open(sharded, settings.Model, settings.OpenOptions, settings.Options, taggerOptions, settings.Output, device)
            : EmbeddingSession.Open(settings.Inputs, settings.Model, settings.OpenOptions, settings.Options, taggerOptions, settings.Output, device);
        using var view = new EmbeddingView(console);
        view.Opened(session);
        foreach (var file in session.Run(cancellationToken)) view.Add(file, settings.PerSegment);
        view.Show(session);
        return view.Failed == 0 ? 0 : SampleCnnApp.Failure;
    }
}
