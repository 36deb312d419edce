using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Models;
using SampleCnn.Platform;

namespace SampleCnn.Data.Store;

/// <summary>
/// Prepares a segment store: decodes every clip of a listing once (on all cores) and appends its int16
/// samples to one packed file, in listing order, whatever the number of workers. Clips are streamed, never
/// held whole: each worker writes its clip chunk by chunk to a file of its own (<see cref="StoreLayout.Decoding"/>),
/// copied onto the packed file when the clip's turn comes, so memory stays bounded however long the tracks
/// (MTG-Jamendo's whole songs) and however many workers. Each clip's samples are
/// flushed before its index line is, so a store interrupted at any instant holds only whole clips; running
/// the same prepare again truncates anything after the last indexed clip and continues from there.
/// A lock file in the folder refuses a second prepare while one runs (two would interleave index lines).
/// </summary>
public static class StoreWriter
{
    sealed record Request(string Source, string[] Tags, int SampleRate, long? MaxClipSamples, int Clips, string ClipsSha256);

    /// <summary>A clip decoded to <paramref name="Part"/> (<paramref name="Length"/> samples), or why not.</summary>
    sealed record Decoded(string? Part, long Length, string? Error, string? Recovered);

    public static PrepareReport Prepare(DatasetListing listing, string folder, PrepareOptions options,
        IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default)
    {
        using var writer = WriterLock.Acquire(folder, "store");
        var request = new Request(listing.Source, listing.Vocabulary.Tags.ToArray(), options.SampleRate, options.MaxClipSamples,
            listing.Clips.Count, Sha256(string.Join('\n', listing.Clips.Select(c => $"{c.Id}\t{c.Split}\t{string.Join(',', c.Tags)}\t{c.AudioPath}"))));
        CheckOrWriteRequest(folder, request);

        var indexPath = Path.Combine(folder, StoreLayout.Index);
        var samplesPath = Path.Combine(folder, StoreLayout.Samples);
        var done = ReadCommitted(indexPath, samplesPath, listing);
        long offset = done.Where(c => c.Skipped is null).Sum(c => c.Length);
        int resumed = done.Count;
        foreach (var left in StoreLayout.LeftDecodings(folder)) File.Delete(left);

        using (var samples = new FileStream(samplesPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
        using (var index = new FileStream(indexPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            // Both files' names durable before any index line is: each line is fsynced after its samples are,
            // so after a kill or a power loss no line points past the samples on disk.
            AtomicFile.SyncFolder(folder);
            samples.SetLength(offset * 2); // drop any samples written after the last indexed clip
            samples.Position = offset * 2;
            var clips = listing.Clips;
            int workers = options.EffectiveWorkers, next = done.Count, skipped = done.Count(c => c.Skipped is not null);
            using var gate = new SemaphoreSlim(workers);
            var pending = new Queue<Task<Decoded>>();
            try
            {
                while (next < clips.Count || pending.Count > 0)
                {
                    while (pending.Count < 2 * workers && next < clips.Count && !cancel.IsCancellationRequested)
                    {
                        var clip = clips[next];
                        var clipPart = StoreLayout.Decoding(folder, next++);
                        pending.Enqueue(Task.Run(async () =>
                        {
                            await gate.WaitAsync(cancel);
                            try { return Decode(clip, options, clipPart, cancel); }
                            finally { gate.Release(); }
                        }, cancel));
                    }
                    if (pending.Count == 0) break;
                    cancel.ThrowIfCancellationRequested();
                    var decoded = pending.Dequeue().GetAwaiter().GetResult();
                    var source = clips[done.Count];
                    StoredClip entry;
                    if (decoded.Part is { } part)
                    {
                        using (var clipSamples = File.OpenRead(part)) clipSamples.CopyTo(samples);
                        samples.Flush(flushToDisk: true);
                        File.Delete(part);
                        entry = new StoredClip(source.Id, source.Split, source.Tags, source.AudioPath, offset, decoded.Length, Recovered: decoded.Recovered);
                        offset += decoded.Length;
                    }
                    else
                    {
                        entry = new StoredClip(source.Id, source.Split, source.Tags, source.AudioPath, offset, 0, decoded.Error);
                        skipped++;
                    }
                    index.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JsonSettings.OneLine) + "\n"));
                    index.Flush(flushToDisk: true);
                    done.Add(entry);
                    progress?.Report(new PrepareProgress(done.Count, clips.Count, resumed, skipped));
                }
            }
            finally
            {
                // Let decodes in flight finish before the files close; their results are dropped.
                try { Task.WaitAll(pending.ToArray()); } catch (AggregateException) { }
                foreach (var left in StoreLayout.LeftDecodings(folder)) File.Delete(left);
            }
        }

        var manifest = WriteManifest(folder, listing, options, done);
        var unreadable = done.Where(c => c.Skipped is not null).Select(c => new SkippedItem(c.Source, c.Skipped!)).ToList();
        var recovered = done.Where(c => c.Recovered is not null).Select(c => new SkippedItem(c.Source, c.Recovered!)).ToList();
        return new PrepareReport(manifest, listing, unreadable, resumed, recovered);
    }

    // Whatever goes wrong with one file is recorded against it and the prepare goes on; only cancellation
    // and faults of the process itself stop it.
    static Decoded Decode(ClipSource clip, PrepareOptions options, string part, CancellationToken cancel)
    {
        try
        {
            long length = 0, max = options.MaxClipSamples ?? long.MaxValue;
            AudioDamage? damage;
            using (var reader = new AudioReader(clip.AudioPath, options.SampleRate, cancel))
            using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, ChunkSamples * sizeof(short)))
            {
                var chunk = new float[ChunkSamples];
                var pcm = new short[ChunkSamples];
                for (int n; length < max && (n = reader.Read(chunk.AsSpan(0, (int)Math.Min(chunk.Length, max - length)))) > 0; length += n)
                {
                    for (int i = 0; i < n; i++)
                        pcm[i] = (short)Math.Clamp(MathF.Round(chunk[i] * 32768f), short.MinValue, short.MaxValue);
                    output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pcm.AsSpan(0, n)));
                }
                damage = reader.Damage;
            }
            if (length == 0)
            {
                File.Delete(part);
                return new Decoded(null, 0, AudioDamage.NoAudio(damage), null);
            }
            return new Decoded(part, length, null, damage?.Describe((double)length / options.SampleRate));
        }
        catch (Exception e) when (AudioDecodeException.IsPerFile(e))
        {
            File.Delete(part);
            return new Decoded(null, 0, AudioDecodeException.ReasonFor(e), null);
        }
    }

    const int ChunkSamples = 1 << 16;

    static void CheckOrWriteRequest(string folder, Request request)
    {
        var path = Path.Combine(folder, StoreLayout.Request);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<Request>(File.ReadAllText(path), JsonSettings.Indented);
            if (existing is not null && existing.SampleRate != request.SampleRate)
                throw new DatasetException($"{folder}: holds a store prepared at {existing.SampleRate} Hz, not {request.SampleRate} Hz; continue it at {existing.SampleRate} Hz, or use another folder");
            if (existing is null || existing.ClipsSha256 != request.ClipsSha256 || !existing.Tags.SequenceEqual(request.Tags)
                || existing.MaxClipSamples != request.MaxClipSamples)
                throw new DatasetException($"{folder}: holds a store prepared from other data or options ({existing?.Source}, {existing?.Clips} clips); use another folder or delete it");
            return;
        }
        // Our own lock, and the request's temporary file if a kill interrupted its first write, leave the folder new.
        if (!WriterLock.HoldsNothingWritten(folder))
            throw new DatasetException($"{folder}: not empty and not a store; choose an empty or new folder");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(request, JsonSettings.Indented));
    }

    // The index lines already committed (checked, a torn last line cut off); they must match the listing's order.
    static List<StoredClip> ReadCommitted(string indexPath, string samplesPath, DatasetListing listing)
    {
        if (!File.Exists(indexPath)) return [];
        long samples = File.Exists(samplesPath) ? new FileInfo(samplesPath).Length / 2 : 0;
        var done = StoreIndex.Read(indexPath, listing.Vocabulary.Count, samples, cutTornLine: true, out _);
        for (int i = 0; i < done.Count; i++)
            if (i >= listing.Clips.Count || listing.Clips[i].Id != done[i].Id)
                throw new DatasetException($"{indexPath}: line {i + 1} is clip '{done[i].Id}', which this listing does not have there; use another folder");
        return done;
    }

    static StoreManifest WriteManifest(string folder, DatasetListing listing, PrepareOptions options, List<StoredClip> done)
    {
        // One pass over the samples (tens of GB for a full dataset): the checksum and the full-scale count.
        var samplesPath = Path.Combine(folder, StoreLayout.Samples);
        var fullScale = 0L;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = File.OpenRead(samplesPath))
        {
            var buffer = new byte[1 << 20]; // whole chunks, so no sample is split between two reads
            for (int n; (n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0;)
            {
                hash.AppendData(buffer, 0, n);
                foreach (var s in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, n & ~1)))
                    if (s is short.MaxValue or short.MinValue) fullScale++;
            }
        }
        var manifest = new StoreManifest(StoreManifest.CurrentVersion, StoreManifest.Int16Format, options.SampleRate, listing.Source,
            listing.Vocabulary.Tags.ToArray(), done.Count(c => c.Skipped is null), done.Count(c => c.Skipped is not null),
            done.Sum(c => c.Length), options.MaxClipSamples ?? 0, fullScale,
            Convert.ToHexStringLower(hash.GetHashAndReset()), StoreIndex.Sha256(Path.Combine(folder, StoreLayout.Index)));
        AtomicFile.WriteAllText(Path.Combine(folder, StoreManifest.FileName), JsonSerializer.Serialize(manifest, JsonSettings.Indented));
        return manifest;
    }

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
