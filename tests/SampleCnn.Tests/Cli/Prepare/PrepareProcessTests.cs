using System.Diagnostics;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Cli.Prepare;

/// <summary>
/// `samplecnn prepare` as a separate process, as a user runs it: killed with SIGKILL and resumed, and
/// refused while another process writes the store. (scripts/prepare-kill.sh runs the 20-kill version.)
/// </summary>
public class PrepareProcessTests
{
    const int ClipCount = 10;

    static readonly string Cli = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "SampleCnn.Cli.exe" : "SampleCnn.Cli");

    /// <summary>A CSV collection of <see cref="ClipCount"/> clips made from the audio fixtures.</summary>
    static string[] CsvCollection(Fixtures.Scratch scratch)
    {
        string[] sources = ["msd-like-44k-stereo.mp3", "mtat-like-16k-mono.mp3", "vorbis-mono-22k.ogg", "flac-mono-16k.flac", "pcm16-stereo-11k.wav"];
        var audio = Directory.CreateDirectory(Path.Combine(scratch.Folder, "audio")).FullName;
        foreach (var source in sources) File.Copy(Fixtures.PathOf(source), Path.Combine(audio, source));
        var rows = Enumerable.Range(0, ClipCount).Select(i => $"{sources[i % sources.Length]},clip{i},t{i % 3};u{i % 2}");
        var annotations = scratch.Write("tags.csv", System.Text.Encoding.UTF8.GetBytes("file,id,tags\n" + string.Join('\n', rows) + "\n"));
        return ["prepare", "csv", "--annotations", annotations, "--audio", audio, "--workers", "1"];
    }

    static Process Start(string[] args, string store)
    {
        var info = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args.Append("--out").Append(store)) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    static (int Code, string Error) Run(string[] args, string store)
    {
        using var process = Start(args, store);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }

    static int IndexLines(string store)
    {
        try { return File.ReadAllBytes(Path.Combine(store, "index.jsonl")).Count(b => b == '\n'); }
        catch (IOException) { return 0; } // not created yet
    }

    /// <summary>Every file of the store but the lock, by name and bytes (the manifest holds no timestamps).</summary>
    static void AssertSameStore(string expected, string actual)
    {
        static string[] Names(string folder) =>
            Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != WriterLock.FileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(Names(expected), Names(actual));
        foreach (var name in Names(expected))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))), $"{name} differs");
    }

    [Fact]
    public void KilledAtAnyInstantThenResumedGivesTheSameStoreAndASecondWriterIsRefused()
    {
        using var scratch = new Fixtures.Scratch();
        var args = CsvCollection(scratch);
        var whole = Path.Combine(scratch.Folder, "whole");
        Assert.Equal(0, Run(args, whole).Code);
        Assert.Equal(ClipCount, IndexLines(whole));

        int refused = 0;
        // Kill points: while the process starts (before any clip), and after 3 and 8 clips are indexed.
        foreach (var (trial, clips) in new[] { (0, 0), (1, 3), (2, 8) })
        {
            var store = Path.Combine(scratch.Folder, $"killed{trial}");
            using (var first = Start(args, store))
            {
                var clock = Stopwatch.StartNew();
                while (IndexLines(store) < clips && !first.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(2);
                if (clips > 0 && !first.HasExited)
                {
                    // The running process holds the store: a prepare from this process is refused, and nothing is written.
                    var error = Assert.Throws<IOException>(() => StoreWriter.Prepare(CsvTags.Load(args[3], args[5]), store, new PrepareOptions()));
                    Assert.Contains("another process is writing to this store", error.Message);
                    refused++;
                }
                first.Kill(); // SIGKILL
                first.WaitForExit();
            }
            var (code, resumeError) = Run(args, store);
            Assert.True(code == 0, resumeError);
            AssertSameStore(whole, store);
        }
        Assert.True(refused > 0, "the killed process always ended before the second writer could try");
    }

    [Fact]
    public void ASecondPrepareProcessIsRefusedWithOneLine()
    {
        using var scratch = new Fixtures.Scratch();
        var args = CsvCollection(scratch);
        var store = Path.Combine(scratch.Folder, "store");
        using (WriterLock.Acquire(store, "store"))
        {
            var (code, error) = Run(args, store);
            Assert.Equal(1, code);
            Assert.Equal($"samplecnn: {store}: another process is writing to this store (it holds {Path.Combine(store, WriterLock.FileName)}); wait for it to end or use another folder",
                error.TrimEnd());
            Assert.Equal([WriterLock.FileName], Directory.GetFiles(store).Select(Path.GetFileName));
        }
    }
}
