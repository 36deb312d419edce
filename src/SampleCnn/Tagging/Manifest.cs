using SampleCnn.Data.Sources;

namespace SampleCnn.Tagging;

/// <summary>
/// A list of audio files for a batch job: a text file of one path a line (blank lines and lines starting with # skipped),
/// or a CSV or TSV whose header has a <c>path</c> column. Paths are kept as written (they name the files in parts and
/// their merge) and found relative to an audio root. Each path once, in the order listed.
/// </summary>
internal sealed record Manifest(string File, IReadOnlyList<string> Paths, int Repeated)
{
    public static Manifest Read(string file)
    {
        if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"{file}: manifest not found");
        var first = System.IO.File.ReadLines(file).FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        // A table when its first line has a path column; any other first line is a path (which may hold a comma).
        var delimiter = new[] { "\t", "," }.FirstOrDefault(d => first.Split(d).Any(h => h.Trim().Trim('"').Equals("path", StringComparison.OrdinalIgnoreCase)));
        var listed = delimiter is not null && DelimitedTable.Read(file, delimiter) is var table
            ? table.Rows.Select(r => r[table.Column("path")])
            : System.IO.File.ReadLines(file).Where(l => l.Trim().Length > 0 && !l.StartsWith('#'));
        var all = listed.Select(p => p.TrimEnd('\r')).Where(p => p.Length > 0).ToList();
        var paths = all.Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count == 0) throw new InvalidDataException($"{file}: the manifest lists no files");
        return new Manifest(file, paths, all.Count - paths.Count);
    }

    /// <summary>Where a listed path is on disk: as written when absolute, else under <paramref name="audioRoot"/> (the current folder when null).</summary>
    public static string Locate(string path, string? audioRoot) => Path.IsPathRooted(path) ? path : Path.GetFullPath(path, Path.GetFullPath(audioRoot ?? "."));
}
