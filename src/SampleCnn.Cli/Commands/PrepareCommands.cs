using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

/// <summary>What every `prepare` source shares: where the store goes and how clips are decoded.</summary>
public class PrepareSettings : CommandSettings
{
    [CommandOption("-o|--out <STORE>")]
    [Description("Folder for the segment store (new or empty; an interrupted one continues).")]
    public string Out { get; init; } = "";

    [CommandOption("--workers <N>")]
    [Description("Files decoded in parallel (default: every core). The store is the same for any number.")]
    public int Workers { get; init; }

    [CommandOption("--max-seconds <S>")]
    [Description("Audio kept from the start of each clip; 0 keeps whole files. Default: the paper's 640,512 samples (29.05 s).")]
    public double? MaxSeconds { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out STORE is required")
        : Workers < 0 ? ValidationResult.Error("--workers must be 0 (all cores) or more")
        : MaxSeconds < 0 ? ValidationResult.Error("--max-seconds must be 0 (whole files) or more")
        : ValidationResult.Success();

    /// <summary>The library's defaults, with what was given.</summary>
    public PrepareOptions Options
    {
        get
        {
            var options = new PrepareOptions(Workers: Workers);
            return MaxSeconds is { } seconds ? options with { MaxClipSamples = seconds == 0 ? null : (long)(seconds * options.SampleRate) } : options;
        }
    }
}

/// <summary>Lists a source, prepares its store with a progress bar, and shows what the store holds and what was left out.</summary>
public abstract class PrepareCommand<TSettings>(IAnsiConsole console) : Command<TSettings> where TSettings : PrepareSettings
{
    protected abstract DatasetListing List(TSettings settings);

    public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var listing = List(settings);
        using var view = new PrepareView(console);
        view.Listing(listing);
        var report = StoreWriter.Prepare(listing, settings.Out, settings.Options, view, cancellationToken);
        view.Show(report, settings.Out);
        return 0;
    }
}

public sealed class PrepareMtatCommand(IAnsiConsole console) : PrepareCommand<PrepareMtatCommand.Settings>(console)
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

public sealed class PrepareMsdCommand(IAnsiConsole console) : PrepareCommand<PrepareMsdCommand.Settings>(console)
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

public sealed class PrepareCsvCommand(IAnsiConsole console) : PrepareCommand<PrepareCsvCommand.Settings>(console)
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
