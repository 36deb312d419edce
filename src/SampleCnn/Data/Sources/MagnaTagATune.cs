namespace SampleCnn.Data.Sources;

/// <summary>
/// MagnaTagATune from its release: <c>annotations_final.csv</c> (tab-separated, every field quoted:
/// clip_id, 188 tag columns of 0/1, mp3_path) and the MP3 folders 0-f under one root. The paper's split:
/// folders 0-b train, c valid, d-f test; clips with no tag of the vocabulary are dropped.
/// </summary>
public static class MagnaTagATune
{
    public const string AnnotationsFile = "annotations_final.csv";

    /// <param name="root">Folder holding annotations_final.csv and the folders 0-f.</param>
    /// <param name="mostFrequent">Null: the paper's top-50 in its order; else this many most frequent tags.</param>
    public static DatasetListing Load(string root, int? mostFrequent = null)
    {
        var table = DelimitedTable.Read(Path.Combine(root, AnnotationsFile), "\t");
        int idColumn = table.Column("clip_id"), pathColumn = table.Column("mp3_path");
        if (idColumn < 0 || pathColumn < 0)
            throw new DatasetException($"{table.Path}: expected the columns clip_id and mp3_path (tab-separated); found {string.Join(", ", table.Header.Take(5))}...");
        var tagColumns = Enumerable.Range(0, table.Header.Count).Where(c => c != idColumn && c != pathColumn).ToArray();

        var vocabulary = mostFrequent is { } n
            ? TagVocabulary.MostFrequent(table.Rows.SelectMany(r => tagColumns.Where(c => r[c] == "1").Select(c => table.Header[c])), n)
            : new TagVocabulary(TagVocabulary.MtatPaperTop50);
        var columnOfTag = vocabulary.Tags.Select(tag =>
        {
            int c = table.Column(tag);
            return c >= 0 ? c : throw new DatasetException($"{table.Path}: no column for the tag '{tag}'");
        }).ToArray();

        var clips = new List<ClipSource>();
        var skipped = new List<SkippedItem>();
        var dropped = new List<SkippedItem>();
        foreach (var row in table.Rows)
        {
            var id = row[idColumn];
            var relative = row[pathColumn];
            var split = SplitOfFolder(relative);
            if (split is null)
            {
                skipped.Add(new SkippedItem(relative, "not in a folder 0-f"));
                continue;
            }
            var tags = Enumerable.Range(0, vocabulary.Count).Where(t => row[columnOfTag[t]] == "1").ToArray();
            if (tags.Length == 0)
            {
                dropped.Add(new SkippedItem(relative, "no tag of the vocabulary"));
                continue;
            }
            var audio = Path.Combine(root, relative);
            if (!File.Exists(audio))
            {
                skipped.Add(new SkippedItem(relative, "audio file not found"));
                continue;
            }
            clips.Add(new ClipSource(id, split.Value, tags, audio));
        }
        return new DatasetListing("mtat", vocabulary, clips, skipped, dropped);
    }

    /// <summary>The paper's split by MP3 folder: 0-b train, c valid, d-f test.</summary>
    public static Split? SplitOfFolder(string mp3Path)
    {
        var slash = mp3Path.IndexOf('/');
        if (slash != 1) return null;
        return char.ToLowerInvariant(mp3Path[0]) switch
        {
            >= '0' and <= '9' or 'a' or 'b' => Split.Train,
            'c' => Split.Valid,
            'd' or 'e' or 'f' => Split.Test,
            _ => null,
        };
    }
}
