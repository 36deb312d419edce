using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Experiments;
using SampleCnn.Platform;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>The whole system on data it makes itself (<see cref="Demo"/>); running it again in the same folder continues where it stopped.</summary>
internal sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("-o|--out <DIR>")] [Description("Folder for everything the demo writes.")] [DefaultValue(DemoOptions.DefaultOut)]
        public string Out { get; init; } = DemoOptions.DefaultOut;

        [CommandOption("--minutes <N>")] [Description("Time budget for the whole demo; training gets about 75% of it.")] [DefaultValue(DemoOptions.DefaultMinutes)]
        public double Minutes { get; init; } = DemoOptions.DefaultMinutes;

        [CommandOption("--clips <N>")] [Description("Synthetic clips to generate (default: sized for the budget).")]
        public int? Clips { get; init; }

        [CommandOption("--seconds <S>")] [Description("Length of each clip.")] [DefaultValue(DemoOptions.DefaultSeconds)]
        public double Seconds { get; init; } = DemoOptions.DefaultSeconds;

        [CommandOption("-m|--model <SPEC>")] [Description("Model to train (default 3^7: 6561-sample segments, small enough for a CPU budget).")] [DefaultValue(DemoOptions.DefaultModel)]
        public string Model { get; init; } = DemoOptions.DefaultModel;

        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)] public int Seed { get; init; } = Seeds.Default;

        public override ValidationResult Validate() =>
            Minutes <= 0 ? ValidationResult.Error("--minutes must be positive")
            : Clips < DemoOptions.MinimumClips ? ValidationResult.Error($"--clips must be at least {DemoOptions.MinimumClips} (ten of every hundred go to valid and test)")
            : Seconds < 0.5 ? ValidationResult.Error("--seconds must be at least 0.5")
            : ValidationResult.Success();

        public DemoOptions Options => new() { Out = Out, Minutes = Minutes, Clips = Clips, Seconds = Seconds, Model = Model, Seed = Seed };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.Options;
        var device = settings.Apply();
        using var view = new DemoView(console, options);
        var result = Demo.Run(options, device, view, cancellationToken);
        view.Show(result);
        return 0;
    }
}
