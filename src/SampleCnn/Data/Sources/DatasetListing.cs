namespace SampleCnn.Data.Sources;

/// <summary>
/// What a dataset source yields: the vocabulary, the clips in a fixed order, the items left out because
/// something is wrong with them (<see cref="Skipped"/>, listed to the user) and those left out by the
/// dataset's rules (<see cref="Dropped"/>, e.g. MTAT clips without a top-50 tag, counted by reason).
/// </summary>
public sealed record DatasetListing(string Source, TagVocabulary Vocabulary, IReadOnlyList<ClipSource> Clips,
    IReadOnlyList<SkippedItem> Skipped, IReadOnlyList<SkippedItem> Dropped)
{
    /// <summary>Positives per tag (rows) and split (columns: train, valid, test).</summary>
    public int[,] Positives()
    {
        var counts = new int[Vocabulary.Count, 3];
        foreach (var clip in Clips)
            foreach (var tag in clip.Tags) counts[tag, (int)clip.Split]++;
        return counts;
    }
}
