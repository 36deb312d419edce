using System.Diagnostics;
using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>A prepare as `prepare` shows it: what the source lists, a decoding bar, then what the store holds and what was left out.</summary>
sealed class PrepareView(IAnsiConsole console) : IProgress<PrepareProgress>, IDisposable
{
    readonly ProgressDisplay display = new(console, new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());
    readonly Stopwatch clock = new();
    ProgressTask? task;

    /// <summary>The clips to prepare and those the dataset's rules leave out; the decoding bar starts.</summary>
    public void Listing(DatasetListing listing)
    {
        console.MarkupLineInterpolated($"{listing.Source}: {listing.Clips.Count} clips to prepare, {listing.Vocabulary.Count} tags; {listing.Dropped.Count} left out by the dataset's rules, {listing.Skipped.Count} missing");
        foreach (var group in listing.Dropped.GroupBy(d => d.Reason))
            console.MarkupLineInterpolated($"  [grey]left out: {group.Count()} with {group.Key}[/]");
        clock.Restart();
        task = display.AddTask("decoding", Math.Max(1, listing.Clips.Count));
    }

    public void Report(PrepareProgress p)
    {
        if (task is null) return;
        task.Value = p.Done;
        var rate = (p.Done - p.Resumed) / Math.Max(1e-3, clock.Elapsed.TotalSeconds);
        task.Description = string.Create(CultureInfo.InvariantCulture, $"decoding {p.Done}/{p.Total} ({rate:F1} files/s, {p.Skipped} unreadable)");
    }

    /// <summary>Ends the bar and shows the store in <paramref name="store"/> and the files left out or recovered.</summary>
    public void Show(PrepareReport report, string store)
    {
        if (task is not null) task.Value = task.MaxValue;
        task = null;
        display.Close();
        if (report.Resumed > 0) console.MarkupLineInterpolated($"[grey]continued after {report.Resumed} clips prepared earlier[/]");
        using (var opened = SegmentStore.Open(store)) StoreView.Render(console, opened);
        if (report.Recovered.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{report.Recovered.Count} damaged source file(s) were recovered: the store holds the audio that could be decoded:[/]");
            foreach (var item in report.Recovered) console.MarkupLineInterpolated($"  {item.Item}: {item.Reason}");
        }
        if (report.Listing.Skipped.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{report.Listing.Skipped.Count} listed item(s) had no audio:[/]");
            foreach (var item in report.Listing.Skipped) console.MarkupLineInterpolated($"  {item.Item}: {item.Reason}");
        }
    }

    public void Dispose() => display.Dispose();
}
