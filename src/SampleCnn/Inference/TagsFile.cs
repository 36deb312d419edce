namespace SampleCnn.Inference;

/// <summary>A model's tags as a text file, one per line in output order, for model files that carry none.</summary>
internal static class TagsFile
{
    /// <summary>The file's tags, or a published list when <paramref name="path"/> is its name (<see cref="PublishedTags.Named"/>; ./mtat is a file).</summary>
    public static string[] Read(string path)
    {
        if (PublishedTags.Named(path) is { } published) return [.. published];
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: tags file not found", path);
        var tags = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (tags.Length == 0) throw new InvalidDataException($"{path}: no tags (one per line)");
        return tags;
    }
}
