using System.Runtime.InteropServices;

namespace SampleCnn.Platform;

/// <summary>
/// Lists the files of a folder tree for a batch job. A symlinked folder is never entered (a link to an
/// ancestor would loop forever, a link to a sibling would list its files twice); a symlinked file is kept,
/// but every file is listed once, under its first path in ordinal order.
/// </summary>
internal static partial class FolderWalk
{
    static readonly EnumerationOptions OneLevel = new() { RecurseSubdirectories = false, AttributesToSkip = 0, MatchType = MatchType.Win32 };

    /// <summary>Files under <paramref name="folder"/> whose name matches <paramref name="pattern"/>, in ordinal order.</summary>
    public static List<string> Files(string folder, string pattern = "*", bool recursive = true)
    {
        var found = new List<string>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            found.AddRange(Directory.EnumerateFiles(current, pattern, OneLevel).Where(f => !Directory.Exists(f)));
            if (recursive)
                foreach (var sub in Directory.EnumerateDirectories(current, "*", OneLevel))
                    if (new DirectoryInfo(sub).LinkTarget is null) pending.Push(sub);
        }
        return Distinct(found.Order(StringComparer.Ordinal)).ToList();
    }

    /// <summary>The paths in order, without those naming a file already listed (through a link or another spelling).</summary>
    public static IEnumerable<string> Distinct(IEnumerable<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return paths.Where(path => seen.Add(RealPath(path)));
    }

    /// <summary>The path with every link resolved; a path that cannot be resolved (missing) stands for itself.</summary>
    static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows()) return full;
        var resolved = realpath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return full;
        try { return Marshal.PtrToStringUTF8(resolved)!; }
        finally { free(resolved); }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void free(IntPtr pointer);
}
