using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;
using SampleCnn.Audio;

namespace SampleCnn.Data;

/// <summary>
/// A prepared store, read through a memory map: any segment of any clip is read without touching
/// the rest of the file. Opening checks that the prepare finished (the manifest exists).
/// </summary>
public sealed unsafe class SegmentStore : IDisposable
{
    private readonly MemoryMappedFile? map;
    private readonly MemoryMappedViewAccessor? view;
    private readonly short* samples;

    public string Folder { get; }
    public StoreManifest Manifest { get; }
    public TagVocabulary Vocabulary { get; }

    /// <summary>The stored clips in index order (unreadable sources excluded).</summary>
    public IReadOnlyList<StoredClip> Clips { get; }

    /// <summary>Sources the prepare could not decode, with the reason.</summary>
    public IReadOnlyList<StoredClip> Unreadable { get; }

    public static SegmentStore Open(string folder) => new(folder);

    private SegmentStore(string folder)
    {
        Folder = folder;
        var manifestPath = Path.Combine(folder, StoreManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new DatasetException(Directory.Exists(folder)
                ? $"{folder}: no {StoreManifest.FileName}: not a store, or its prepare has not finished (run it again to continue)"
                : $"{folder}: store folder not found");
        Manifest = JsonSerializer.Deserialize<StoreManifest>(File.ReadAllText(manifestPath), StoreManifest.Json)
                   ?? throw new DatasetException($"{manifestPath}: empty manifest");
        if (Manifest.Version != StoreManifest.CurrentVersion || Manifest.Format != StoreManifest.Int16Format)
            throw new DatasetException($"{manifestPath}: store version {Manifest.Version} ({Manifest.Format}) is not the one this build reads ({StoreManifest.CurrentVersion}, {StoreManifest.Int16Format})");
        Vocabulary = new TagVocabulary(Manifest.Tags);

        var entries = File.ReadLines(Path.Combine(folder, StoreLayout.Index), Encoding.UTF8)
            .Select(line => JsonSerializer.Deserialize<StoredClip>(line, StoreManifest.Json)!).ToList();
        Clips = entries.Where(c => c.Skipped is null).ToList();
        Unreadable = entries.Where(c => c.Skipped is not null).ToList();

        var samplesPath = Path.Combine(folder, StoreLayout.Samples);
        if (new FileInfo(samplesPath).Length != Manifest.Samples * 2)
            throw new DatasetException($"{samplesPath}: holds {new FileInfo(samplesPath).Length / 2} samples, the manifest says {Manifest.Samples}");
        if (Manifest.Samples > 0)
        {
            map = MemoryMappedFile.CreateFromFile(samplesPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            samples = (short*)(pointer + view.PointerOffset);
        }
    }

    public IEnumerable<StoredClip> ClipsOf(Split split) => Clips.Where(c => c.Split == split);

    /// <summary>Fills <paramref name="into"/> with the clip's samples from <paramref name="start"/>; past the clip's end, zeros.</summary>
    public void Read(StoredClip clip, long start, Span<float> into)
    {
        long available = Math.Clamp(clip.Length - start, 0, into.Length);
        var source = new ReadOnlySpan<short>(samples + clip.Offset + start, (int)available);
        for (int i = 0; i < source.Length; i++) into[i] = source[i] * (1f / 32768f);
        into[(int)available..].Clear();
    }

    /// <summary>Segment <paramref name="index"/> of a clip under a plan, as <see cref="Segmenter"/> would cut it.</summary>
    public void ReadSegment(StoredClip clip, int index, SegmentPlan plan, Span<float> into) =>
        Read(clip, (long)index * plan.Hop, into[..plan.Length]);

    public void Dispose()
    {
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }
        map?.Dispose();
    }
}
