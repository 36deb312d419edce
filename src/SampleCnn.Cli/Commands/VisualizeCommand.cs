using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Platform;
using SampleCnn.Visualization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class VisualizeCommand(IAnsiConsole console) : Command<VisualizeCommand.Settings>
{
    public sealed class Settings : TrainedModelSettings
    {
        [CommandOption("--layers <RANGE>")] [Description("Layers to draw: 1-6, 2,4 or 3.")] [DefaultValue("1-6")]
        public string Layers { get; init; } = "1-6";

        [CommandOption("-o|--out <DIR>")] [Description("Folder for the pictures and CSVs.")]
        public string Out { get; init; } = "";

        [CommandOption("--input-samples <N>")] [DefaultValue(AscentOptions.DefaultInputSamples)] public int InputSamples { get; init; } = AscentOptions.DefaultInputSamples;
        [CommandOption("--steps <N>")] [DefaultValue(AscentOptions.DefaultSteps)] public int Steps { get; init; } = AscentOptions.DefaultSteps;
        [CommandOption("--step-size <S>")] [DefaultValue(AscentOptions.DefaultStepSize)] public double StepSize { get; init; } = AscentOptions.DefaultStepSize;
        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)] public int Seed { get; init; } = Seeds.Default;

        [CommandOption("--batchnorm <STATS>")]
        [Description("BatchNorm statistics during the ascent: input (each input's own, as the authors' code) or eval (the running ones). The model is never changed.")]
        [DefaultName(AscentOptions.DefaultBatchNorm)]
        public string BatchNorm { get; init; } = DefaultNameAttribute.Of(AscentOptions.DefaultBatchNorm);

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--model and --out DIR are required")
            : InputSamples < 1 || Steps < 1 || StepSize <= 0 ? ValidationResult.Error("--input-samples, --steps and --step-size must be positive")
            : BatchNorm.ToLowerInvariant() is not ("input" or "eval") ? ValidationResult.Error($"--batchnorm '{BatchNorm}': expected input or eval")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var options = new AscentOptions(settings.InputSamples, settings.Steps, settings.StepSize, settings.Seed,
            Enum.Parse<AscentBatchNorm>(settings.BatchNorm, ignoreCase: true));
        FilterVisualizationResult result;
        using (var bars = new ProgressDisplay(console, new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()))
            result = FilterVisualization.Run(settings.Model, settings.OpenOptions, settings.Layers, options, settings.Out, device, new AscentBars(bars), cancellationToken);
        FilterView.Render(console, result);
        return 0;
    }
}
