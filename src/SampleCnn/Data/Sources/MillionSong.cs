using SampleCnn.Platform;
namespace SampleCnn.Data.Sources;

/// <summary>
/// Million Song Dataset with Last.fm tags and 7digital previews, from files the user supplies:
/// a tag table (tab-separated: track_id, tags separated by ';'), a split folder (train.txt, valid.txt,
/// test.txt: one track id per line) and an audio folder searched recursively for files named after the
/// track id (e.g. A/B/C/TRABCxxx.clip.mp3). The vocabulary is the most frequent tags over the listed tracks.
/// </summary>
public static class MillionSong
{
    public static DatasetListing Load(string tagsFile, string splitFolder, string audioFolder, int top = TagVocabulary.PaperTagCount)
    {
        var table = DelimitedTable.Read(tagsFile, "\t");
        int idColumn = table.Column("track_id"), tagsColumn = table.Column("tags");
        if (idColumn < 0 || tagsColumn < 0)
            throw new DatasetException($"{tagsFile}: expected the tab-separated columns track_id and tags");
        var tagsOf = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
            tagsOf[row[idColumn].Trim()] = row[tagsColumn].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        if (!Directory.Exists(audioFolder)) throw new DatasetException($"{audioFolder}: audio folder not found");
        var audioOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in FolderWalk.Files(audioFolder))
            audioOf.TryAdd(Path.GetFileName(file).Split('.')[0], file);

        var listed = Splits.All.SelectMany(split => ReadSplit(splitFolder, split).Select(id => (id, split))).ToList();
        var vocabulary = TagVocabulary.MostFrequent(listed.SelectMany(t => tagsOf.GetValueOrDefault(t.id, [])), top);

        var clips = new List<ClipSource>();
        var skipped = new List<SkippedItem>();
        var dropped = new List<SkippedItem>();
        foreach (var (id, split) in listed)
        {
            var tags = tagsOf.GetValueOrDefault(id, []).Select(t => vocabulary.TryGetIndex(t, out var i) ? i : -1).Where(i => i >= 0).Distinct().Order().ToArray();
            if (tags.Length == 0)
                dropped.Add(new SkippedItem(id, "no tag of the vocabulary"));
            else if (!audioOf.TryGetValue(id, out var audio))
                skipped.Add(new SkippedItem(id, "no audio file named after the track id"));
            else
                clips.Add(new ClipSource(id, split, tags, audio));
        }
        return new DatasetListing("msd", vocabulary, clips, skipped, dropped);
    }

    static IEnumerable<string> ReadSplit(string folder, Split split)
    {
        var path = Path.Combine(folder, split.Name() + ".txt");
        if (!File.Exists(path)) throw new DatasetException($"{path}: split list not found (expected train.txt, valid.txt, test.txt in {folder})");
        return File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
    }
}
