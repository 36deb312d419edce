using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>After a batch of files (tag, embed): those done from what could be decoded of them, and those that failed, with why.</summary>
internal static class FileProblemsView
{
    /// <param name="done">What was done to a file, for the sentences: "tagged", "embedded".</param>
    public static void Render(IAnsiConsole console, int fileCount, string done, IReadOnlyList<(string Path, string Note)> recovered, IReadOnlyList<(string Path, string Error)> failed)
    {
        if (recovered.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{recovered.Count} of {fileCount} file(s) were damaged and {done} from the audio that could be decoded:[/]");
            foreach (var (path, note) in recovered) console.MarkupLineInterpolated($"  {path}: {note}");
        }
        if (failed.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{failed.Count} of {fileCount} file(s) could not be {done}:[/]");
            foreach (var (path, error) in failed) console.MarkupLineInterpolated($"  {path}: {error}");
        }
    }
}
