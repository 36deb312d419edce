using System.Globalization;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>Tagging results as `tag` prints them for a reader: a table of each file's top tags, then the files that were damaged or failed.</summary>
internal static class TagView
{
    /// <summary>
    /// A tagged file's line (segments, padding, recovery) and its top tags at or above the threshold; with decisions,
    /// every tag it has instead, with its threshold.
    /// </summary>
    public static void Render(IAnsiConsole console, FileTags result, int top, float threshold)
    {
        var note = (result.Padded ? " (shorter than one segment: padded with silence)" : "") + (result.Recovered is not null ? " (recovered from a damaged file)" : "");
        console.MarkupLineInterpolated($"[bold]{result.Path}[/]: {result.Segments} segment(s) of {result.SegmentSeconds.ToString("F2", CultureInfo.InvariantCulture)} s{note}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("tag").AddColumn(new TableColumn("score").RightAligned());
        if (result.Thresholds is null)
            foreach (var (tag, score) in result.Top(top, threshold))
                table.AddRow(Markup.Escape(tag), F(score));
        else
        {
            var decided = result.Decided().ToList();
            if (decided.Count == 0)
            {
                console.WriteLine("  no tag passes its threshold");
                return;
            }
            table.AddColumn(new TableColumn("threshold").RightAligned());
            foreach (var (tag, score, at) in decided) table.AddRow(Markup.Escape(tag), F(score), F(at));
        }
        console.Write(table);
    }

    /// <summary>How the yes/no tags are decided: the tuned thresholds and where they came from, or one threshold.</summary>
    public static void RenderDecision(IAnsiConsole console, IReadOnlyList<float> thresholds, TagThresholds? tuned)
    {
        if (tuned is null)
        {
            console.MarkupLineInterpolated($"decisions: a tag when its score >= {F(thresholds.FirstOrDefault())}");
            return;
        }
        console.MarkupLineInterpolated($"decisions: a tag when its score >= its threshold, tuned for epoch {tuned.Epoch} on the {tuned.Split} split of {tuned.Store} ({tuned.Clips} clips, protocol {tuned.Protocol}; each tag's maximum F1)");
        var untuned = tuned.Tags.Where(t => !t.Tuned).Select(t => t.Tag).ToList();
        if (untuned.Count > 0)
            console.MarkupLineInterpolated($"[yellow]untuned (no positive in that split), at {F(TagThresholds.Untuned)}: {string.Join(", ", untuned)}[/]");
    }

    static string F(float value) => value.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>The files tagged from what could be decoded of them, and those that could not be tagged, with why.</summary>
    public static void RenderProblems(IAnsiConsole console, int fileCount, IReadOnlyList<FileTags> recovered, IReadOnlyList<FileTags> failed) =>
        FileProblemsView.Render(console, fileCount, "tagged", [.. recovered.Select(f => (f.Path, f.Recovered!))], [.. failed.Select(f => (f.Path, f.Error!))]);

    /// <summary>Which shard, from where, and how much of it is left.</summary>
    public static void RenderShard(IAnsiConsole console, ShardWork work)
    {
        console.WriteLine($"shard {work.Shard} ({work.Shard.Source}): {work.ShardFiles} of the {work.ManifestFiles} files in {work.Manifest}"
            + (work.RepeatedInManifest > 0 ? $" ({work.RepeatedInManifest} repeated lines ignored)" : ""));
        if (work.Parts is { } parts) console.WriteLine($"parts in {parts}: {work.AlreadyDone} files already done, {work.ToTag} to tag");
    }

    /// <summary>After a sharded run: how much of the shard its parts hold now.</summary>
    public static void RenderShardDone(IAnsiConsole console, ShardWork work, int tagged)
    {
        if (work.Parts is { } parts) console.WriteLine($"parts in {parts} hold {work.AlreadyDone + tagged} of the shard's {work.ShardFiles} files");
    }
}
