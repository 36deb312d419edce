using SampleCnn.Platform;
namespace SampleCnn.Data.Sources;

/// <summary>
/// MTG-Jamendo's top-50 auto-tagging split: <c>autotagging_top50tags-{train,validation,test}.tsv</c>, either
/// in a <c>split-N</c> folder of the split folder (the dataset's <c>data/splits</c>: five splits, split-0 the
/// usual one) or directly in it. Tab-separated, header TRACK_ID ARTIST_ID ALBUM_ID PATH DURATION TAGS, the
/// tags being the row's remaining fields; PATH is relative to the audio folder. Tracks are whole songs.
/// The vocabulary is the tags found in the three files in ordinal order, the order Won et al. 2020's
/// Jamendo checkpoints give their outputs (their label binarizer sorts the names).
/// </summary>
public static class MtgJamendo
{
    /// <summary>The split the dataset's authors and most papers report on.</summary>
    public const int DefaultSplit = 0;

    static readonly string[] Header = ["TRACK_ID", "ARTIST_ID", "ALBUM_ID", "PATH", "DURATION", "TAGS"];
    const int PathField = 3, FirstTagField = 5;

    static readonly (string File, Split Split)[] Files =
    [
        ("autotagging_top50tags-train.tsv", Split.Train),
        ("autotagging_top50tags-validation.tsv", Split.Valid),
        ("autotagging_top50tags-test.tsv", Split.Test),
    ];

    /// <param name="splitFolder">The dataset's split folder (holding split-0 .. split-4), or one split-N folder.</param>
    /// <param name="split">Which split-N folder, when the split folder holds them.</param>
    public static DatasetListing Load(string splitFolder, string audioFolder, int split = DefaultSplit)
    {
        var folder = SplitFiles(splitFolder, split);
        if (!Directory.Exists(audioFolder)) throw new DatasetException($"{audioFolder}: audio folder not found");
        var rows = Files.SelectMany(f => Read(Path.Combine(folder, f.File), f.Split)).ToList();
        var duplicate = rows.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetException($"{folder}: the track '{duplicate.Key}' is listed more than once ({string.Join(", ", duplicate.Select(r => r.Split.Name()))})");
        var vocabulary = new TagVocabulary(rows.SelectMany(r => r.Tags).Distinct().Order(StringComparer.Ordinal));

        var clips = new List<ClipSource>();
        var skipped = new List<SkippedItem>();
        foreach (var row in rows)
        {
            var audio = Path.Combine(audioFolder, row.Path);
            if (!File.Exists(audio)) skipped.Add(new SkippedItem(row.Path, "audio file not found"));
            else clips.Add(new ClipSource(row.Id, row.Split, row.Tags.Select(t => vocabulary[t]).Distinct().Order().ToArray(), audio));
        }
        return new DatasetListing("jamendo", vocabulary, clips, skipped, []);
    }

    /// <summary>The folder holding the three files: split-N of the given folder, or the folder itself.</summary>
    static string SplitFiles(string splitFolder, int split)
    {
        if (split < 0) throw new OptionException(nameof(split), "split number", split, "must be 0 or more (the dataset ships split-0 to split-4)");
        var numbered = Path.Combine(splitFolder, $"split-{split}");
        if (File.Exists(Path.Combine(numbered, Files[0].File))) return numbered;
        if (File.Exists(Path.Combine(splitFolder, Files[0].File))) return splitFolder;
        throw new DatasetException($"{splitFolder}: no {Files[0].File} in it or in its split-{split} folder");
    }

    sealed record Row(string Id, string Path, string[] Tags, Split Split);

    static IEnumerable<Row> Read(string path, Split split)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var fields = text.TrimEnd('\r').Split('\t');
            if (line == 1)
            {
                if (!fields.Select(f => f.Trim()).SequenceEqual(Header, StringComparer.OrdinalIgnoreCase))
                    throw new DatasetException($"{path}: line 1: expected the tab-separated header {string.Join(' ', Header)}");
                continue;
            }
            if (text.Trim().Length == 0) continue;
            var tags = fields.Skip(FirstTagField).Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
            if (fields[0].Trim().Length == 0 || fields.Length <= PathField || fields[PathField].Trim().Length == 0 || tags.Length == 0)
                throw new DatasetException($"{path}: line {line}: expected a track id, artist, album, path, duration and at least one tag, tab-separated; found {fields.Length} field(s)");
            yield return new Row(fields[0].Trim(), fields[PathField].Trim(), tags, split);
        }
        if (line == 0) throw new DatasetException($"{path}: no header row");
    }
}
