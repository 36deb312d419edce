using SampleCnn.Tagging;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>What `merge` combined, and what is wrong: files missing, failed, found twice, or not in the manifest.</summary>
internal static class MergeView
{
    const int Listed = 20; // a long list is cut: the merged file and a rerun say the rest

    public static void Render(IAnsiConsole console, MergeReport report)
    {
        console.WriteLine($"{report.Parts} part(s), {report.Rows} row(s); {report.Entries - report.Missing.Count} of the manifest's {report.Entries} files written to {report.Out}");
        List(console, "were found more than once (tagged again after a kill); one row of each was kept", report.Duplicates, "grey");
        List(console, "are not in the manifest and were left out", report.Unlisted, "yellow");
        List(console, "are missing (rerun their shards)", report.Missing, "red");
        List(console, "failed", [.. report.Failed.Select(f => $"{f.File}: {f.Error}")], "red");
        if (report.Complete) console.MarkupLine("[green]every file of the manifest is there once, tagged[/]");
    }

    static void List(IAnsiConsole console, string what, IReadOnlyList<string> items, string colour)
    {
        if (items.Count == 0) return;
        console.MarkupLine($"[{colour}]{items.Count} file(s) {Markup.Escape(what)}:[/]");
        foreach (var item in items.Take(Listed)) console.WriteLine($"  {item}");
        if (items.Count > Listed) console.WriteLine($"  ... and {items.Count - Listed} more");
    }
}
