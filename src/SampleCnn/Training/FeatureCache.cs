using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// A frozen body's features for every segment of a split, computed once (BatchNorm in evaluation mode) and kept in
/// the run folder: one float32 row per segment, clip by clip in the split's index order (<see cref="BatchLoader.ClipByClip"/>).
/// The rows are appended and synced, then a small progress file (<see cref="RunFolder.FeaturesProgress"/>) is replaced
/// atomically to count them; rows past the count (a kill's torn tail) are cut off when the cache is built again, so a
/// kill loses at most the rows since the last count and nothing torn is ever read.
/// </summary>
internal sealed class FeatureCache : IDisposable
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly long[] clipStart;

    /// <summary>Floats per row.</summary>
    public int Width { get; }

    /// <param name="Rows">Rows durable in the features file.</param>
    /// <param name="Clips">Clips whose segments those rows are (the cache grows clip by clip).</param>
    /// <param name="Segments">The split's segment count when complete: a cache of another plan or store is not reused.</param>
    /// <param name="Width">Floats per row.</param>
    sealed record Progress(long Rows, int Clips, long Segments, int Width);

    FeatureCache(string path, long[] clipStart, int width)
    {
        map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        this.clipStart = clipStart;
        Width = width;
    }

    /// <summary>
    /// The split's cache, completed from where an earlier build stopped: <paramref name="features"/> gives a clip's
    /// segments' rows [segments, width]; the rows are counted at least every <paramref name="countEvery"/> (the most a
    /// kill loses); reports (clips done, clips, segments per second).
    /// </summary>
    public static FeatureCache Build(RunFolder run, BatchLoader loader, Func<Tensor, Tensor> features, Device device, TimeSpan countEvery,
        Action<int, int, double>? progress, CancellationToken cancel)
    {
        string split = loader.Split.Name(), path = run.Features(split), progressPath = run.FeaturesProgress(split);
        var counts = loader.SegmentsPerClip();
        var clipStart = new long[counts.Length + 1];
        for (int c = 0; c < counts.Length; c++) clipStart[c + 1] = clipStart[c] + counts[c];
        long segments = clipStart[^1];

        var done = ReadProgress(progressPath) is { } earlier && earlier.Segments == segments ? earlier : null;
        if (done is null || done.Clips < counts.Length)
        {
            using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
            int width = done?.Width ?? 0;
            long rows = done?.Rows ?? 0;
            int clips = done?.Clips ?? 0;
            file.SetLength(rows * width * sizeof(float)); // the uncounted tail, if a kill left one
            file.Position = file.Length;
            var clock = Stopwatch.StartNew();
            var sinceCount = Stopwatch.StartNew();
            long computed = 0;
            using (no_grad())
            {
                foreach (var clip in loader.ClipByClip(clips))
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var values = features(clip.ToTensor(device)).cpu().contiguous();
                    width = (int)values.shape[1];
                    file.Write(MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
                    rows += clip.Count;
                    computed += clip.Count;
                    clips++;
                    if (sinceCount.Elapsed >= countEvery || clips == counts.Length)
                    {
                        file.Flush(flushToDisk: true);
                        AtomicFile.WriteAllText(progressPath, JsonSerializer.Serialize(new Progress(rows, clips, segments, width), JsonSettings.Indented));
                        sinceCount.Restart();
                    }
                    progress?.Invoke(clips, counts.Length, computed / clock.Elapsed.TotalSeconds);
                }
            }
            done = new Progress(rows, clips, segments, width);
        }
        return new FeatureCache(path, clipStart, done.Width);
    }

    static Progress? ReadProgress(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<Progress>(File.ReadAllText(path), JsonSettings.Indented); }
        catch (JsonException) { return null; } // written atomically, so only a foreign file: built again
    }

    /// <summary>The rows of the picked segments, [picks, width] flat.</summary>
    public float[] Rows(ReadOnlySpan<(int Clip, int Segment)> picks)
    {
        var rows = new float[picks.Length * Width];
        for (int i = 0; i < picks.Length; i++)
            view.ReadArray((clipStart[picks[i].Clip] + picks[i].Segment) * Width * sizeof(float), rows, i * Width, Width);
        return rows;
    }

    /// <summary>The rows of a clip's segments, [segments, width].</summary>
    public Tensor Clip(int clip, Device device)
    {
        int count = (int)(clipStart[clip + 1] - clipStart[clip]);
        var rows = new float[count * Width];
        view.ReadArray(clipStart[clip] * Width * sizeof(float), rows, 0, rows.Length);
        return tensor(rows, [count, Width]).to(device);
    }

    public void Dispose()
    {
        view.Dispose();
        map.Dispose();
    }
}
