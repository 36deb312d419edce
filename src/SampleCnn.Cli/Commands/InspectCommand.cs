using System.ComponentModel;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class InspectCommand(IAnsiConsole console) : Command<InspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<STORE>")]
        [Description("A folder written by `samplecnn prepare`.")]
        public string Store { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = SegmentStore.Open(settings.Store);
        StoreView.Render(console, store);
        return 0;
    }
}
