using System.IO.MemoryMappedFiles;
using System.Text.Json;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Models;
using SampleCnn.Platform;

namespace SampleCnn.Data.Store;

/// <summary>
/// A prepared store, read through a memory map: any segment of any clip is read without touching
/// the rest of the file. Opening checks that the prepare finished (the manifest exists) and that the index
/// is whole and consistent with the samples and the manifest, so no read can leave the mapped file.
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
        Manifest = ReadManifest(manifestPath);
        if (Manifest.Version != StoreManifest.CurrentVersion || Manifest.Format != StoreManifest.Int16Format)
            throw new DatasetException($"{manifestPath}: store version {Manifest.Version} ({Manifest.Format}) is not the one this build reads ({StoreManifest.CurrentVersion}, {StoreManifest.Int16Format})");
        try { Vocabulary = new TagVocabulary(Manifest.Tags ?? []); }
        catch (ArgumentException e) { throw new DatasetException($"{manifestPath}: {e.Message}"); }

        var samplesPath = Path.Combine(folder, StoreLayout.Samples);
        if (!File.Exists(samplesPath) || new FileInfo(samplesPath).Length != Manifest.Samples * 2)
            throw new DatasetException($"{samplesPath}: holds {(File.Exists(samplesPath) ? new FileInfo(samplesPath).Length / 2 : 0)} samples, the manifest says {Manifest.Samples}");

        // Every line is checked before a read trusts its offset; then the whole index against the manifest.
        var indexPath = Path.Combine(folder, StoreLayout.Index);
        if (!File.Exists(indexPath)) throw new DatasetException($"{indexPath}: not found");
        var entries = StoreIndex.Read(indexPath, Vocabulary.Count, Manifest.Samples, cutTornLine: false, out var indexSha256);
        if (indexSha256 != Manifest.IndexSha256)
            throw new DatasetException($"{indexPath}: does not match the checksum in {StoreManifest.FileName} (changed after the prepare); prepare the store again");
        Clips = entries.Where(c => c.Skipped is null).ToList();
        Unreadable = entries.Where(c => c.Skipped is not null).ToList();

        if (Manifest.Samples > 0)
        {
            map = MemoryMappedFile.CreateFromFile(samplesPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            samples = (short*)(pointer + view.PointerOffset);
        }
    }

    /// <summary>
    /// The same store seen with only <paramref name="tags"/>, in that order (training and evaluating a subset of its
    /// tags): each clip keeps those of its tags, clips with none of them stay as negatives. The view shares this
    /// store's samples, which stay this store's to release: disposing the view releases nothing.
    /// </summary>
    public SegmentStore WithTags(IReadOnlyList<string> tags) => new(this, tags);

    private SegmentStore(SegmentStore whole, IReadOnlyList<string> tags)
    {
        foreach (var tag in tags)
            if (!whole.Vocabulary.TryGetIndex(tag, out _))
                throw new OptionException("Tags", "tags", tag, $"is not one of the store's tags ({string.Join(", ", whole.Vocabulary.Tags)})");
        try { Vocabulary = new TagVocabulary(tags); }
        catch (ArgumentException e) { throw new OptionException("Tags", "tags", string.Join(",", tags), e.Message); }
        Folder = whole.Folder;
        Manifest = whole.Manifest with { Tags = [.. tags] };
        samples = whole.samples;
        var vocabulary = Vocabulary;
        Clips = whole.Clips.Select(c => c with
        {
            Tags = [.. c.Tags.Select(t => vocabulary.TryGetIndex(whole.Vocabulary.Tags[t], out int i) ? i : -1).Where(i => i >= 0).Order()],
        }).ToList();
        Unreadable = whole.Unreadable;
    }

    static StoreManifest ReadManifest(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<StoreManifest>(File.ReadAllText(path), JsonSettings.Indented)
                   ?? throw new DatasetException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new DatasetException($"{path}: not a store manifest ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public IEnumerable<StoredClip> ClipsOf(Split split) => Clips.Where(c => c.Split == split);

    /// <summary>Fills <paramref name="into"/> with the clip's samples from <paramref name="start"/>; past the clip's end, zeros.</summary>
    public void Read(StoredClip clip, long start, Span<float> into)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        long available = Math.Clamp(clip.Length - start, 0, into.Length);
        var source = new ReadOnlySpan<short>(samples + clip.Offset + start, (int)available);
        for (int i = 0; i < source.Length; i++) into[i] = source[i] * (1f / 32768f);
        into[(int)available..].Clear();
    }

    /// <summary>Segment <paramref name="index"/> of a clip under a plan, as <see cref="Segmenter"/> would cut it (or spread over the clip).</summary>
    public void ReadSegment(StoredClip clip, int index, SegmentPlan plan, Span<float> into) =>
        Read(clip, plan.Start(index, clip.Length), into[..plan.Length]);

    /// <summary>Refuses a model that reads audio at another rate than the store holds (its segments would mean other sounds), naming both rates.</summary>
    public void RequireSampleRate(ModelSpec model)
    {
        if (model.SampleRate != Manifest.SampleRate)
            throw new InvalidDataException($"{Folder}: holds audio at {Manifest.SampleRate} Hz, but the model {model} reads {model.SampleRate} Hz; prepare a store at {model.SampleRate} Hz or use a model at {Manifest.SampleRate} Hz");
    }

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
