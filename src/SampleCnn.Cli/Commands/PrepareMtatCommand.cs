using System.ComponentModel;
using SampleCnn.Data.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class PrepareMtatCommand(IAnsiConsole console) : PrepareCommand<PrepareMtatCommand.Settings>(console)
{
    public sealed class Settings : PrepareSettings
    {
        [CommandOption("--root <DIR>")]
        [Description("Folder with annotations_final.csv and the MP3 folders 0-f.")]
        public string Root { get; init; } = "";

        [CommandOption("--most-frequent <N>")]
        [Description("Use the N most frequent tags instead of the paper's top-50 list.")]
        public int? MostFrequent { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Root) ? ValidationResult.Error("--root DIR is required") : base.Validate();
    }

    protected override DatasetListing List(Settings settings) => MagnaTagATune.Load(settings.Root, settings.MostFrequent);
}
