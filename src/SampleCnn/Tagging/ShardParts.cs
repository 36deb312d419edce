using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// One shard's parts in a folder: part-I-of-N.00000.parquet, .00001, ... Each flush writes a new small part whole
/// (<see cref="TagPart.Write"/>, atomically), so a kill loses at most the files since the last flush and leaves nothing
/// torn; a rerun reads the complete parts to know which files are done and numbers its parts after them. The shard's
/// lock refuses a second writer of the same shard (other shards write beside it freely).
/// </summary>
internal sealed partial class ShardParts : IDisposable
{
    readonly string folder;
    readonly Shard shard;
    readonly IReadOnlyList<string> tags;
    readonly int embedding;
    readonly int flushFiles;
    readonly TimeSpan flushInterval;
    readonly WriterLock writerLock;
    readonly List<PartRow> buffered = [];
    readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    int next;

    ShardParts(string folder, Shard shard, IReadOnlyList<string> tags, int embedding, int flushFiles, TimeSpan flushInterval, WriterLock writerLock, HashSet<string> done, int next)
    {
        (this.folder, this.shard, this.tags, this.embedding, this.flushFiles, this.flushInterval, this.writerLock, Done, this.next) =
            (folder, shard, tags, embedding, flushFiles, flushInterval, writerLock, done, next);
    }

    /// <summary>Takes the shard's lock in <paramref name="folder"/>, deletes the temporary files a kill left, and reads which files its parts hold.</summary>
    /// <param name="embedding">The width of the embedding each row carries, or 0 for none.</param>
    public static ShardParts Open(string folder, Shard shard, IReadOnlyList<string> tags, int embedding, int flushFiles, TimeSpan flushInterval)
    {
        var name = $"part-{shard.Index}-of-{shard.Count}";
        var writerLock = WriterLock.Acquire(folder, $"shard {shard}'s parts", $".{name}.lock");
        try
        {
            foreach (var torn in Directory.EnumerateFiles(folder, name + ".*.parquet" + AtomicFile.TemporarySuffix)) File.Delete(torn);
            var done = new HashSet<string>(StringComparer.Ordinal);
            int next = 0;
            foreach (var part in Directory.EnumerateFiles(folder, name + ".*.parquet"))
            {
                var match = PartName().Match(Path.GetFileName(part));
                if (!match.Success || match.Groups[1].Value != name) continue;
                var (partTags, rows, partEmbedding) = TagPart.Read(part);
                if (!partTags.SequenceEqual(tags))
                    throw new InvalidDataException($"{part}: its tags ({string.Join(", ", partTags)}) are not the model's; write another model's parts to another folder");
                if (partEmbedding != embedding)
                    throw new InvalidDataException($"{part}: {(partEmbedding == 0 ? "holds no embeddings" : "holds embeddings")}, and this run {(embedding == 0 ? "writes none" : "writes them")}; keep to one or use another folder");
                done.UnionWith(rows.Select(r => r.File));
                next = Math.Max(next, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1);
            }
            return new ShardParts(folder, shard, tags, embedding, flushFiles, flushInterval, writerLock, done, next);
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>The manifest paths the shard's parts already hold.</summary>
    public IReadOnlySet<string> Done { get; }

    /// <summary>The parts of every shard in a folder, in name order.</summary>
    public static IReadOnlyList<string> In(string folder) =>
        Directory.EnumerateFiles(folder, "part-*.parquet").Where(p => PartName().IsMatch(Path.GetFileName(p))).Order(StringComparer.Ordinal).ToList();

    /// <summary>Adds a tagged file; writes a part when enough files or time have gathered.</summary>
    public void Add(PartRow row)
    {
        buffered.Add(row);
        if (buffered.Count >= flushFiles || sinceFlush.Elapsed >= flushInterval) Flush();
    }

    public void Flush()
    {
        sinceFlush.Restart();
        if (buffered.Count == 0) return;
        TagPart.Write(Path.Combine(folder, $"part-{shard.Index}-of-{shard.Count}.{next:D5}.parquet"), tags, buffered, embedding);
        next++;
        buffered.Clear();
    }

    /// <summary>Writes what is buffered (each row a whole file's result) and frees the shard.</summary>
    public void Dispose()
    {
        try { Flush(); }
        finally { writerLock.Dispose(); }
    }

    [GeneratedRegex(@"^(part-\d+-of-\d+)\.(\d+)\.parquet$")]
    private static partial Regex PartName();
}
