namespace SampleCnn.Data.Sources;

/// <summary>
/// A user's own collection: a CSV with one row per audio file. Columns: <c>file</c> (relative to the
/// audio folder), optional <c>id</c> and <c>split</c> (train/valid/test; without it a stable hash of the
/// file name splits 80/10/10), and the tags either as a <c>tags</c> column separated by ';' or as one
/// 0/1 column per tag. The vocabulary is the tag columns in order, or the <c>tags</c> values by frequency.
/// </summary>
public static class CsvTags
{
    public static DatasetListing Load(string annotations, string audioFolder, int? top = null)
    {
        var table = DelimitedTable.Read(annotations, ",");
        int fileColumn = table.Column("file"), idColumn = table.Column("id"), splitColumn = table.Column("split"), tagsColumn = table.Column("tags");
        if (fileColumn < 0) throw new DatasetException($"{annotations}: expected a 'file' column (header: {string.Join(", ", table.Header)})");
        var tagColumns = Enumerable.Range(0, table.Header.Count).Where(c => c != fileColumn && c != idColumn && c != splitColumn && c != tagsColumn).ToArray();
        if (tagsColumn < 0 && tagColumns.Length == 0) throw new DatasetException($"{annotations}: no tags: give a 'tags' column or one 0/1 column per tag");
        if (tagsColumn >= 0 && tagColumns.Length > 0)
            throw new DatasetException($"{annotations}: both a 'tags' column and other columns ({table.Header[tagColumns[0]]}); use one form");

        string[] TagsOf(string[] row, int line)
        {
            if (tagsColumn >= 0) return row[tagsColumn].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return tagColumns.Where(c => row[c].Trim() switch
            {
                "1" => true,
                "0" or "" => false,
                var other => throw new DatasetException($"{annotations}: line {line}, column '{table.Header[c]}': expected 0 or 1, found '{other}'"),
            }).Select(c => table.Header[c]).ToArray();
        }

        var rows = table.Rows.Select((row, i) => (row, line: i + 2, tags: TagsOf(row, i + 2))).ToList();
        var vocabulary = tagsColumn < 0 && top is null
            ? new TagVocabulary(tagColumns.Select(c => table.Header[c]))
            : TagVocabulary.MostFrequent(rows.SelectMany(r => r.tags), top ?? int.MaxValue);

        var clips = new List<ClipSource>();
        var skipped = new List<SkippedItem>();
        var dropped = new List<SkippedItem>();
        foreach (var (row, line, names) in rows)
        {
            var file = row[fileColumn].Trim();
            var id = idColumn >= 0 && row[idColumn].Trim() is { Length: > 0 } given ? given : file;
            Split split;
            if (splitColumn >= 0 && row[splitColumn].Trim().Length > 0)
                split = Splits.Parse(row[splitColumn]) ?? throw new DatasetException($"{annotations}: line {line}: split '{row[splitColumn]}' is not train, valid or test");
            else
                split = Splits.FromHash(file);
            var tags = names.Select(t => vocabulary.TryGetIndex(t, out var i) ? i : -1).Where(i => i >= 0).Distinct().Order().ToArray();
            var audio = Path.Combine(audioFolder, file);
            if (tags.Length == 0) dropped.Add(new SkippedItem(file, "no tag of the vocabulary"));
            else if (!File.Exists(audio)) skipped.Add(new SkippedItem(file, "audio file not found"));
            else clips.Add(new ClipSource(id, split, tags, audio));
        }
        var duplicate = clips.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DatasetException($"{annotations}: the id '{duplicate.Key}' appears on more than one row");
        return new DatasetListing("csv", vocabulary, clips, skipped, dropped);
    }
}
