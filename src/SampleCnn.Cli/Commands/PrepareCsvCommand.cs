using System.ComponentModel;
using SampleCnn.Data.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class PrepareCsvCommand(IAnsiConsole console) : PrepareCommand<PrepareCsvCommand.Settings>(console)
{
    public sealed class Settings : PrepareSettings
    {
        [CommandOption("--annotations <FILE>")]
        [Description("CSV: a file column, then a tags column (';'-separated) or one 0/1 column per tag; optional id and split.")]
        public string Annotations { get; init; } = "";

        [CommandOption("--audio <DIR>")]
        [Description("Folder the file column is relative to.")]
        public string Audio { get; init; } = "";

        [CommandOption("--top <N>")]
        [Description("Keep only the N most frequent tags.")]
        public int? Top { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Annotations) || string.IsNullOrWhiteSpace(Audio)
                ? ValidationResult.Error("--annotations FILE and --audio DIR are required") : base.Validate();
    }

    protected override DatasetListing List(Settings settings) => CsvTags.Load(settings.Annotations, settings.Audio, settings.Top);
}
