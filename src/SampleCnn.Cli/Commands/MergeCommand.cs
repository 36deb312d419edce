using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Tagging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class MergeCommand(IAnsiConsole console) : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PARTS>")] [Description("Folders of parts (tag --parts) or part files.")]
        public string[] Parts { get; init; } = [];

        [CommandOption("--manifest <FILE>")] [Description("The manifest the shards tagged: every entry must appear once.")]
        public string? Manifest { get; init; }

        [CommandOption("--out <FILE>")] [Description("The merged rows in the manifest's order: FILE.parquet or FILE.csv.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Parts.Length == 0 ? ValidationResult.Error("give a folder of parts or part files")
            : Manifest is null ? ValidationResult.Error("--manifest FILE is required (it says which files must be there)")
            : Out is null ? ValidationResult.Error("--out FILE.parquet or FILE.csv is required")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var report = PartsMerge.Run(settings.Parts, settings.Manifest!, settings.Out!);
        MergeView.Render(console, report);
        return report.Complete ? 0 : SampleCnnApp.Failure;
    }
}
