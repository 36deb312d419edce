using System.ComponentModel;
using SampleCnn.Data.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class PrepareJamendoCommand(IAnsiConsole console) : PrepareCommand<PrepareJamendoCommand.Settings>(console)
{
    public sealed class Settings : PrepareSettings
    {
        /// <summary>Jamendo's tracks are whole songs, scored whole (Won et al. 2020 spread 16 segments over each): keep them whole unless --max-seconds says otherwise.</summary>
        public Settings() => MaxSeconds = 0;

        [CommandOption("--split-dir <DIR>")]
        [Description("The dataset's data/splits folder (split-0 .. split-4), or one split-N folder: autotagging_top50tags-{train,validation,test}.tsv.")]
        public string SplitDir { get; init; } = "";

        [CommandOption("--audio <DIR>")]
        [Description("The audio folder the files' PATH column is relative to (folders 00-99).")]
        public string Audio { get; init; } = "";

        [CommandOption("--split <N>")]
        [Description("Which split-N folder, when --split-dir holds them.")]
        [DefaultValue(MtgJamendo.DefaultSplit)]
        public int Split { get; init; } = MtgJamendo.DefaultSplit;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(SplitDir) || string.IsNullOrWhiteSpace(Audio)
                ? ValidationResult.Error("--split-dir DIR and --audio DIR are required") : base.Validate();
    }

    protected override DatasetListing List(Settings settings) => MtgJamendo.Load(settings.SplitDir, settings.Audio, settings.Split);
}
