using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Sources;
using SampleCnn.Evaluation;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : TrainedModelSettings
    {
        [CommandOption("--run <DIR>")] [Description("The run folder written by `train` (or --model FILE with --store).")]
        public string Run { get; init; } = "";

        [CommandOption("-o|--out <DIR>")] [Description("With --model: where to keep the report (default: beside the file).")]
        public string? Out { get; init; }

        [CommandOption("--split <SPLIT>")] [Description("train, valid or test.")] [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--store <DIR>")] [Description("Store to evaluate on (default: the one the run trained on).")]
        public string? Store { get; init; }

        [CommandOption("--protocol <NAME>")]
        [Description("paper (segments from the clip's start, as the run trained) or won2020 (16 evenly spaced segments per clip, their mean: Won et al. 2020).")]
        [DefaultName(Evaluator.DefaultProtocol)]
        public string Protocol { get; init; } = DefaultNameAttribute.Of(Evaluator.DefaultProtocol);

        [CommandOption("--aggregate <HOW>")] [Description("Clip score from its segments: mean (the paper) or max.")] [DefaultName(Evaluator.DefaultAggregation)]
        public string Aggregate { get; init; } = DefaultNameAttribute.Of(Evaluator.DefaultAggregation);

        [CommandOption("--segments <N>")] [Description("Segments per clip; 0 = every whole segment (default: the run's).")]
        public int? Segments { get; init; }

        [CommandOption("--hop <SAMPLES>")] [Description("Samples between segment starts (default: the run's, else the segment length).")]
        public int? Hop { get; init; }

        [CommandOption("--bootstrap <N>")] [Description("Resamples for the 95% interval of the macro ROC-AUC.")] [DefaultValue(Evaluation.Bootstrap.DefaultResamples)]
        public int Bootstrap { get; init; } = Evaluation.Bootstrap.DefaultResamples;

        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)]
        public int Seed { get; init; } = Seeds.Default;

        [CommandOption(TagScoreSettings.EngineOption)]
        [Description("What runs the network: torch (libtorch) or winograd (our Winograd F(6,3) code: basic m = 3 models, fp32, CPU with AVX-512 or AVX2 + FMA).")]
        [DefaultValue(TagScoreSettings.EngineDefault)]
        public string Engine { get; init; } = TagScoreSettings.EngineDefault;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) == string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("give --run DIR, or --model FILE with --store DIR")
            : !string.IsNullOrWhiteSpace(Model) && Store is null ? ValidationResult.Error("--model FILE needs --store DIR (a model file records no store)")
            : Splits.Parse(Split) is null ? ValidationResult.Error($"--split '{Split}': expected train, valid or test")
            : !Enum.GetNames<EvaluationProtocol>().Contains(Protocol, StringComparer.OrdinalIgnoreCase) ? ValidationResult.Error($"--protocol '{Protocol}': expected paper or won2020")
            : Aggregate is not ("mean" or "max") ? ValidationResult.Error($"--aggregate '{Aggregate}': expected mean or max")
            : Bootstrap < 0 ? ValidationResult.Error("--bootstrap must be 0 or more")
            : Engine is not ("torch" or "winograd") ? ValidationResult.Error($"--engine '{Engine}': expected torch or winograd (ONNX Runtime's graph gives sigmoid scores, not the logits the loss needs)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var options = new RunEvaluationOptions(settings.Checkpoint, Splits.Parse(settings.Split)!.Value, settings.Store,
            Enum.Parse<ClipAggregation>(settings.Aggregate, ignoreCase: true), settings.Segments, settings.Hop, settings.Bootstrap, settings.Seed,
            Enum.Parse<EvaluationProtocol>(settings.Protocol, ignoreCase: true), TagScoreSettings.With(new TaggerOptions(), settings.Engine, "fp32").Engine);
        var (report, files) = string.IsNullOrWhiteSpace(settings.Model)
            ? RunEvaluation.Evaluate(new RunFolder(settings.Run), options, device, cancellationToken)
            : RunEvaluation.EvaluateModel(settings.Model, settings.OpenOptions, options, settings.Out, device, cancellationToken);

        EvaluationView.Render(console, report, files);
        return 0;
    }
}
