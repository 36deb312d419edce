using System.Globalization;
using SampleCnn.Tagging;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>Tagging results as `tag` prints them for a reader: a table of each file's top tags, then the files that were damaged or failed.</summary>
internal static class TagView
{
    /// <summary>A tagged file's line (segments, padding, recovery) and its top tags at or above the threshold.</summary>
    public static void Render(IAnsiConsole console, FileTags result, int top, float threshold)
    {
        var note = (result.Padded ? " (shorter than one segment: padded with silence)" : "") + (result.Recovered is not null ? " (recovered from a damaged file)" : "");
        console.MarkupLineInterpolated($"[bold]{result.Path}[/]: {result.Segments} segment(s) of {result.SegmentSeconds.ToString("F2", CultureInfo.InvariantCulture)} s{note}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("tag").AddColumn(new TableColumn("score").RightAligned());
        foreach (var (tag, score) in result.Top(top, threshold))
            table.AddRow(Markup.Escape(tag), score.ToString("F3", CultureInfo.InvariantCulture));
        console.Write(table);
    }

    /// <summary>The files tagged from what could be decoded of them, and those that could not be tagged, with why.</summary>
    public static void RenderProblems(IAnsiConsole console, int fileCount, IReadOnlyList<FileTags> recovered, IReadOnlyList<FileTags> failed) =>
        FileProblemsView.Render(console, fileCount, "tagged", [.. recovered.Select(f => (f.Path, f.Recovered!))], [.. failed.Select(f => (f.Path, f.Error!))]);
}
