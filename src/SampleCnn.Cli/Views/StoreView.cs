using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>Renders what a store holds: manifest, clips and hours per split, positives per tag and split.</summary>
static class StoreView
{
    static string Duration(long samples, int rate) => TimeSpan.FromSeconds(samples / (double)rate).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);

    public static void Render(IAnsiConsole console, SegmentStore store)
    {
        var m = store.Manifest;
        console.MarkupLineInterpolated($"[bold]{store.Folder}[/]: {m.Source}, {m.Clips} clips, {m.Hours.ToString("F2", CultureInfo.InvariantCulture)} hours ({Duration(m.Samples, m.SampleRate)}) at {m.SampleRate} Hz ({m.Format}), {m.Tags.Length} tags, store version {m.Version}");
        console.MarkupLineInterpolated($"[grey]samples sha256 {m.SamplesSha256[..16]}..., index sha256 {m.IndexSha256[..16]}..., {m.FullScaleSamples} samples at full scale[/]");

        var splits = Splits.All.Select(s => store.ClipsOf(s).ToList()).ToArray();
        var sizes = new Table().Border(TableBorder.Simple).AddColumn("split")
            .AddColumn(new TableColumn("clips").RightAligned()).AddColumn(new TableColumn("duration").RightAligned());
        foreach (var split in Splits.All)
        {
            var clips = splits[(int)split];
            sizes.AddRow(split.Name(), $"{clips.Count}", Duration(clips.Sum(c => c.Length), m.SampleRate));
        }
        console.Write(sizes);

        var tags = new Table().Border(TableBorder.Simple).AddColumn("tag");
        foreach (var split in Splits.All) tags.AddColumn(new TableColumn(split.Name()).RightAligned());
        for (int t = 0; t < store.Vocabulary.Count; t++)
            tags.AddRow([Markup.Escape(store.Vocabulary.Tags[t]), .. splits.Select(clips => $"{clips.Count(c => c.Tags.Contains(t))}")]);
        console.Write(tags);

        if (store.Unreadable.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{store.Unreadable.Count} source file(s) could not be decoded and are not in the store:[/]");
            foreach (var clip in store.Unreadable) console.MarkupLineInterpolated($"  {clip.Source}: {clip.Skipped}");
        }
    }
}
