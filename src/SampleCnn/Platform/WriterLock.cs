namespace SampleCnn.Platform;

/// <summary>
/// Refuses a second writer on a folder (a store being prepared, a run being trained): an exclusive lock on
/// a file inside it, held while the writer works. On Linux .NET takes it with flock, so the kernel drops
/// it when the process ends in any way (kill -9 included) and a stale lock never wedges the folder.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    public const string FileName = ".lock";

    readonly FileStream stream;

    WriterLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the folder's lock, creating the folder if needed; throws if another process holds it.</summary>
    /// <param name="what">What the folder is, for the message ("store", "run folder").</param>
    /// <param name="fileName">The lock's file: another name lets several writers share a folder, each on its own files.</param>
    public static WriterLock Acquire(string folder, string what, string fileName = FileName)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        try
        {
            return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new IOException($"{folder}: another process is writing to this {what} (it holds {path}); wait for it to end or use another folder");
        }
    }

    /// <summary>
    /// True when <paramref name="folder"/> holds nothing a writer made: it is missing, or holds only the lock
    /// and the temporary files of writes a kill interrupted. Such a folder can be started afresh.
    /// </summary>
    public static bool HoldsNothingWritten(string folder) =>
        !Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName)
            .All(name => name == FileName || name!.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal));

    public void Dispose() => stream.Dispose();
}
