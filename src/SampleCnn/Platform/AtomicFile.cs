using System.Runtime.InteropServices;
using System.Text;

namespace SampleCnn.Platform;

/// <summary>
/// The one way the project replaces a file: write a temporary file beside it, fsync it, rename it over
/// the old one, fsync the folder. A kill or power loss at any instant leaves the old file or the new one,
/// never a torn or empty file (the rename alone is not enough: without the fsyncs ext4/xfs may persist
/// the rename before the data).
/// </summary>
internal static partial class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    /// <summary>Ends the name of the temporary file a write uses (left behind only if the write was interrupted).</summary>
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        using var file = Create(path);
        write(file);
        Commit(file, path);
    }

    /// <summary>
    /// The temporary file of a write to <paramref name="path"/> that takes longer than one call (a file streamed as work
    /// goes on); <see cref="Commit"/> puts it in place. Disposed without a commit, it stays beside <paramref name="path"/>.
    /// </summary>
    public static FileStream Create(string path) => new(path + TemporarySuffix, FileMode.Create, FileAccess.Write, FileShare.None);

    /// <summary>Syncs and closes a stream from <see cref="Create"/> and renames its file over <paramref name="path"/>.</summary>
    public static void Commit(FileStream file, string path)
    {
        file.Flush(flushToDisk: true);
        file.Dispose();
        File.Move(path + TemporarySuffix, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes a rename or a file creation in <paramref name="folder"/> durable.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // Windows: the rename is journaled with the data
        int fd = open(folder, ORdOnly);
        if (fd < 0) return; // a folder we cannot open (some network file systems): the data itself was synced
        try { fsync(fd); }
        finally { close(fd); }
    }

    const int ORdOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
