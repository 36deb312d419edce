using System.ComponentModel;
using SampleCnn.Data.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class PrepareMsdCommand(IAnsiConsole console) : PrepareCommand<PrepareMsdCommand.Settings>(console)
{
    public sealed class Settings : PrepareSettings
    {
        [CommandOption("--tags <FILE>")]
        [Description("Tab-separated track_id and tags (separated by ';').")]
        public string Tags { get; init; } = "";

        [CommandOption("--split <DIR>")]
        [Description("Folder with train.txt, valid.txt, test.txt: one track id per line.")]
        public string Split { get; init; } = "";

        [CommandOption("--audio <DIR>")]
        [Description("Folder searched recursively for files named after the track id (TR....clip.mp3).")]
        public string Audio { get; init; } = "";

        [CommandOption("--top <N>")]
        [Description("Vocabulary size: the N most frequent tags.")]
        [DefaultValue(TagVocabulary.PaperTagCount)]
        public int Top { get; init; } = TagVocabulary.PaperTagCount;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Tags) || string.IsNullOrWhiteSpace(Split) || string.IsNullOrWhiteSpace(Audio)
                ? ValidationResult.Error("--tags FILE, --split DIR and --audio DIR are required") : base.Validate();
    }

    protected override DatasetListing List(Settings settings) => MillionSong.Load(settings.Tags, settings.Split, settings.Audio, settings.Top);
}
