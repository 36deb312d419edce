using System.ComponentModel;
using System.Globalization;
using SampleCnn.Inference;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class InspectModelCommand(IAnsiConsole console) : Command<InspectModelCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("A run folder, a SampleCnn checkpoint, a PyTorch state_dict (ours or a published checkpoint's) or TorchScript; or give it as --model.")]
        public string? File { get; init; }

        [CommandOption("--segment-samples <N>")] [Description("For TorchScript: its input length in samples.")]
        public int? SegmentSamples { get; init; }

        public string Path => File ?? Model;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Path) ? ValidationResult.Error("give the model file (FILE or --model)")
            : File is not null && Model != "" ? ValidationResult.Error("give the model once: FILE or --model")
            : ValidationResult.Success();
    }

    const int TagsShown = 8;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var found = ModelInspection.Of(settings.Path, settings.OpenOptions with { SegmentSamples = settings.SegmentSamples });
        var info = found.Info;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("file", Markup.Escape(info.Path));
        grid.AddRow("layout", Markup.Escape(info.Layout is { } layout ? $"{layout.Title} state_dict ({layout.Name})" : info.Kind == ModelKind.Checkpoint ? "SampleCnn checkpoint" : info.Kind.ToString()));
        grid.AddRow("spec", Markup.Escape(found.Definition is { } d && d != info.Spec ? $"{info.Spec} = {d}" : info.Spec));
        var more = found.Tags.Count > TagsShown ? ", ..." : "";
        grid.AddRow("tags", Markup.Escape($"{found.Tags.Count}: {string.Join(", ", found.Tags.Take(TagsShown))}{more}"));
        grid.AddRow("sample rate", $"{N(info.SampleRate)} Hz");
        grid.AddRow("input", $"{N(info.SegmentSamples)} samples = {(info.SegmentSamples * 1000.0 / info.SampleRate).ToString("F0", CultureInfo.InvariantCulture)} ms");
        grid.AddRow("parameters", N(found.Parameters));
        if (info.Epoch is { } epoch) grid.AddRow("epoch", N(epoch));
        console.Write(grid);
        return 0;
    }

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
