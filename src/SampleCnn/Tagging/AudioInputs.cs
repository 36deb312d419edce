using SampleCnn.Audio.Decoding;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>The audio files a list of inputs names, for a batch job such as tagging.</summary>
internal static class AudioInputs
{
    /// <summary>
    /// Files as given, folders searched recursively for files with an audio extension (<see cref="AudioFormats.FromExtension"/>;
    /// not through symlinked folders), and patterns in the last path part; each file once, in the order named.
    /// </summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(FolderWalk.Files(input).Where(f => AudioFormats.FromExtension(f) is not null));
            else if (Path.GetFileName(input).IndexOfAny(['*', '?']) >= 0)
            {
                var folder = Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
                var matches = Directory.Exists(folder) ? FolderWalk.Files(folder, Path.GetFileName(input), recursive: false) : [];
                if (matches.Count == 0) throw new FileNotFoundException($"{input}: no file matches");
                files.AddRange(matches);
            }
            else files.Add(input); // a missing file is reported with the others that fail
        }
        if (files.Count == 0) throw new FileNotFoundException($"{string.Join(", ", inputs)}: no audio files found");
        return FolderWalk.Distinct(files).ToList(); // a file named twice (a link, a folder and a pattern) is tagged once
    }
}
