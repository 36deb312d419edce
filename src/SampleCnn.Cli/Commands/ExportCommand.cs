using System.ComponentModel;
using SampleCnn.Inference;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <RUN_OR_CHECKPOINT>")] [Description("A run folder (its best checkpoint) or a checkpoint file.")]
        public string Model { get; init; } = "";

        [CommandOption("--checkpoint <NAME>")] [Description("best or last, for a run folder.")] [DefaultValue("best")]
        public string Checkpoint { get; init; } = "best";

        [CommandOption("--pytorch <FILE>")] [Description("Write the weights as a PyTorch state_dict (.pth).")]
        public string PyTorch { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(PyTorch) ? ValidationResult.Error("--model and --pytorch FILE are required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var exported = ModelExport.ToPyTorch(settings.Model, new ModelOpenOptions(settings.Checkpoint), settings.PyTorch);
        console.MarkupLineInterpolated($"wrote {settings.PyTorch}: {exported.Spec} with {exported.TagCount} tags at {exported.SampleRate} Hz, epoch {exported.Epoch} (load it with the module in bench/reference.py; the file holds weights only: feed it audio at {exported.SampleRate} Hz)");
        return 0;
    }
}
