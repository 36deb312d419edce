using System.Diagnostics;
using System.Globalization;
using SampleCnn.Tagging;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>An embedding run as `embed` shows it: what was opened and what the vectors are, a bar with the rate, then what was written and what failed.</summary>
sealed class EmbeddingView(IAnsiConsole console) : IDisposable
{
    readonly ProgressDisplay display = new(console, new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn());
    readonly Stopwatch clock = new();
    readonly List<(string Path, string Note)> recovered = []; // paths and notes only: the vectors are not kept
    readonly List<(string Path, string Error)> failed = [];
    ProgressTask? task;
    int files, rows, segments;

    public void Opened(EmbeddingSession session)
    {
        console.WriteLine(session.Model.Description);
        console.WriteLine(session.Description);
        if (session.Shard is { } shard) TagView.RenderShard(console, shard);
        files = session.Files.Count;
        clock.Restart();
        task = display.AddTask("embedding", Math.Max(1, files));
    }

    public void Add(FileEmbedding file, bool perSegment)
    {
        if (file.Error is { } error) failed.Add((file.Path, error));
        else
        {
            segments += file.Segments;
            rows += perSegment ? file.Segments : 1;
        }
        if (file.Recovered is { } note) recovered.Add((file.Path, note));
        if (task is null) return;
        task.Increment(1);
        var seconds = Math.Max(1e-3, clock.Elapsed.TotalSeconds);
        task.Description = string.Create(CultureInfo.InvariantCulture,
            $"embedding {task.Value}/{files} ({task.Value / seconds:F1} files/s, {segments / seconds:F0} segments/s, {failed.Count} failed)");
    }

    /// <summary>Ends the bar; says what was written where, then the files damaged or failed.</summary>
    public void Show(EmbeddingSession session)
    {
        display.Close();
        var described = session.RowsPath is { } path ? $"; rows described in {path}" : "";
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"wrote {session.Output}: {rows} row(s) of {session.Width} float32 from {files - failed.Count} file(s), {segments} segment(s), in {clock.Elapsed.TotalSeconds:F1} s{described}");
        FileProblemsView.Render(console, files, "embedded", recovered, failed);
    }

    /// <summary>Files that could not be embedded.</summary>
    public int Failed => failed.Count;

    public void Dispose() => display.Dispose();
}
