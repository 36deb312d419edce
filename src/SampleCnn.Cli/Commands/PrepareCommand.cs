using SampleCnn.Cli.Views;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>Lists a source, prepares its store with a progress bar, and shows what the store holds and what was left out.</summary>
internal abstract class PrepareCommand<TSettings>(IAnsiConsole console) : Command<TSettings> where TSettings : PrepareSettings
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
