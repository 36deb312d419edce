using System.ComponentModel;
using SampleCnn.Inference;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--pytorch <FILE>")] [Description("Write the weights as a PyTorch state_dict (.pth).")]
        public string PyTorch { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(PyTorch) ? ValidationResult.Error("--model and --pytorch FILE are required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var exported = ModelExport.ToPyTorch(settings.Model, settings.OpenOptions, settings.PyTorch);
        var epoch = exported.Epoch is { } e ? $", epoch {e}" : "";
        console.MarkupLineInterpolated($"wrote {settings.PyTorch}: {exported.Spec} with {exported.TagCount} tags at {exported.SampleRate} Hz{epoch}. It holds weights only: open it with --spec {exported.Spec} and its tags, feed it audio at {exported.SampleRate} Hz (bench/reference.py's module loads the plain m^n models)");
        return 0;
    }
}
