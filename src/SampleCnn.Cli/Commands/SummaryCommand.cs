using System.ComponentModel;
using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class SummaryCommand(IAnsiConsole console) : Command<SummaryCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <SPEC>")]
        [Description("Model spec: 3^9, 2^14, frame:729, mel:729, se:3^9, rese2-multi:3^9, won-sample, won-se, clmr, ...; @R for a sample rate other than 22050 Hz (3^9@16000).")]
        [DefaultValue(ModelSpec.PaperBest)]
        public string Model { get; init; } = ModelSpec.PaperBest;

        [CommandOption("--tags <N>")]
        [Description("Number of output tags.")]
        [DefaultValue(TagVocabulary.PaperTagCount)]
        public int Tags { get; init; } = TagVocabulary.PaperTagCount;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var summary = ModelSummary.Of(settings.Model, settings.Tags);

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("layer").AddColumn("kernel/stride")
            .AddColumn(new TableColumn("output").RightAligned())
            .AddColumn(new TableColumn("parameters").RightAligned())
            .AddColumn(new TableColumn("MACs").RightAligned());
        foreach (var row in summary.Rows)
            table.AddRow(row.Layer, Markup.Escape(row.Operation), $"{row.Channels} x {N(row.Length)}", N(row.Parameters), N(row.MultiplyAccumulates));

        var spec = summary.Spec;
        var alias = spec.ToString() == spec.Definition ? "" : $" ({spec.Definition})";
        console.MarkupLineInterpolated($"[bold]{spec}[/]{alias} with {summary.Tags} tags");
        console.Write(table);
        console.MarkupLineInterpolated($"input: {N(spec.InputSamples)} samples = {spec.InputMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms at {spec.SampleRate} Hz");
        console.MarkupLineInterpolated($"parameters: {N(summary.Parameters)}");
        console.MarkupLineInterpolated($"multiply-accumulates per segment: {N(summary.MultiplyAccumulates)}");
        console.MarkupLine("[grey]every conv and hidden dense layer is followed by BatchNorm + ReLU[/]");
        return 0;
    }

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
