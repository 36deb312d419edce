using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Experiments;
using SampleCnn.Models;
using SampleCnn.Platform;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// The paper's comparisons as one command (<see cref="Experiment"/>); the exit code says whether a model failed.
/// </summary>
internal sealed class ExperimentCommand(IAnsiConsole console) : Command<ExperimentCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--store <DIR>")] public string Store { get; init; } = "";
        [CommandOption("--models <LIST>")] [Description("Comma-separated specs, e.g. 3^9,3^7,frame:729,mel:729.")] public string? Models { get; init; }
        [CommandOption("--preset <NAME>")] [Description("filters, families or duration: the paper's tables.")] public string? Preset { get; init; }
        [CommandOption("--budget-minutes <M>")] [Description("Equal wall time: training minutes per model.")] public double? BudgetMinutes { get; init; }
        [CommandOption("--epochs <N>")] [Description("Equal epochs: training epochs per model (instead of minutes).")] public int? Epochs { get; init; }
        [CommandOption("-o|--out <DIR>")] public string Out { get; init; } = "";
        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)] public int Seed { get; init; } = Seeds.Default;
        [CommandOption("--segments <N>")] [Description("Segments per clip for training and evaluation (default, or 0: every whole segment).")] [DefaultValue(0)] public int Segments { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Store) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--store DIR and --out DIR are required")
            : (Models is null) == (Preset is null) ? ValidationResult.Error("give --models LIST or --preset filters|families|duration")
            : Preset is not null && ExperimentPresets.Find(Preset) is null ? ValidationResult.Error($"--preset '{Preset}': expected filters, families or duration")
            : (BudgetMinutes is null) == (Epochs is null) ? ValidationResult.Error("give --budget-minutes M (equal time) or --epochs N (equal epochs)")
            : ValidationResult.Success();

        public ExperimentOptions Options => new(Store,
            Preset is { } preset ? ExperimentPresets.Find(preset)! : [.. Models!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ModelSpec.Parse)],
            Epochs is { } epochs ? ExperimentBudget.EqualEpochs(epochs) : ExperimentBudget.EqualMinutes(BudgetMinutes!.Value),
            Out, Seed, Segments is 0 ? null : Segments);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.Options;
        var device = settings.Apply();
        using var view = new ExperimentView(console);
        var result = Experiment.Run(options, device, view, cancellationToken);
        view.Show(result);
        if (result.Failed.Count > 0)
            throw new InvalidOperationException($"{result.Failed.Count} of {result.Rows.Count} models failed: {string.Join(", ", result.Failed.Select(r => r.Model))} (reasons in {result.Folder.ResultsMarkdown}); run the same command again to retry them");
        return 0;
    }
}
