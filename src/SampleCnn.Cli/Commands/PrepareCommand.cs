using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SampleCnn.Cli.Views;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

/// <summary>Lists a source, prepares its store with a progress bar, and shows what the store holds and what was left out.</summary>
public abstract class PrepareCommand<TSettings>(IAnsiConsole console) : Command<TSettings> where TSettings : PrepareSettings
{
    protected abstract DatasetListing List(TSettings settings);

    public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var listing = List(settings);
        console.MarkupLineInterpolated($"{listing.Source}: {listing.Clips.Count} clips to prepare, {listing.Vocabulary.Count} tags; {listing.Dropped.Count} left out by the dataset's rules, {listing.Skipped.Count} missing");
        foreach (var group in listing.Dropped.GroupBy(d => d.Reason))
            console.MarkupLineInterpolated($"  [grey]left out: {group.Count()} with {group.Key}[/]");

        PrepareReport? report = null;
        var clock = Stopwatch.StartNew();
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("decoding", maxValue: Math.Max(1, listing.Clips.Count));
                var progress = new SynchronousProgress<PrepareProgress>(p =>
                {
                    task.Value = p.Done;
                    var rate = (p.Done - p.Resumed) / Math.Max(1e-3, clock.Elapsed.TotalSeconds);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"decoding {p.Done}/{p.Total} ({rate:F1} files/s, {p.Skipped} unreadable)");
                });
                report = StoreWriter.Prepare(listing, settings.Out, settings.Options, progress, cancellationToken);
                task.Value = task.MaxValue;
            });

        if (report!.Resumed > 0) console.MarkupLineInterpolated($"[grey]continued after {report.Resumed} clips prepared earlier[/]");
        using (var store = SegmentStore.Open(settings.Out)) StoreView.Render(console, store);
        if (report.Recovered.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{report.Recovered.Count} damaged source file(s) were recovered: the store holds the audio that could be decoded:[/]");
            foreach (var item in report.Recovered) console.MarkupLineInterpolated($"  {item.Item}: {item.Reason}");
        }
        if (listing.Skipped.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{listing.Skipped.Count} listed item(s) had no audio:[/]");
            foreach (var item in listing.Skipped) console.MarkupLineInterpolated($"  {item.Item}: {item.Reason}");
        }
        return 0;
    }
}
