namespace SampleCnn.Data.Sources;

/// <summary>The ordered tag names a model predicts; a tag's index is its output unit.</summary>
public sealed class TagVocabulary : IEquatable<TagVocabulary>
{
    /// <summary>The paper's vocabulary size: the 50 most frequent tags (of MagnaTagATune and of the Million Song Dataset).</summary>
    public const int PaperTagCount = 50;

    /// <summary>MagnaTagATune's top-50 tags in the order the paper lists them.</summary>
    public static readonly IReadOnlyList<string> MtatPaperTop50 =
    [
        "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano",
        "ambient", "beat", "violin", "vocal", "synth", "female", "indian", "opera", "male", "singing",
        "vocals", "no vocals", "harpsichord", "loud", "quiet", "flute", "woman", "male vocal", "no vocal", "pop",
        "soft", "sitar", "solo", "man", "classic", "choir", "voice", "new age", "dance", "male voice",
        "female vocal", "beats", "harp", "cello", "no voice", "weird", "country", "metal", "female voice", "choral",
    ];

    private readonly Dictionary<string, int> index;

    public IReadOnlyList<string> Tags { get; }
    public int Count => Tags.Count;

    public TagVocabulary(IEnumerable<string> tags)
    {
        Tags = tags.ToArray();
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Tags.Count; i++)
            if (!index.TryAdd(Tags[i], i)) throw new ArgumentException($"tag '{Tags[i]}' appears twice in the vocabulary");
        if (Tags.Count == 0) throw new ArgumentException("a tag vocabulary needs at least one tag");
    }

    public int this[string tag] => index[tag];

    public bool TryGetIndex(string tag, out int i) => index.TryGetValue(tag, out i);

    /// <summary>Refuses a store (this vocabulary) whose tags are not the ones a model or run was made for.</summary>
    public void RequireSame(IReadOnlyList<string> modelTags, string storeFolder, string whose)
    {
        if (!Tags.SequenceEqual(modelTags))
            throw new InvalidDataException($"{storeFolder}: its tags ({Count}: {string.Join(", ", Tags.Take(4))}...) differ from the {whose} ({modelTags.Count}: {string.Join(", ", modelTags.Take(4))}...)");
    }

    public bool Equals(TagVocabulary? other) => other is not null && Tags.SequenceEqual(other.Tags);
    public override bool Equals(object? obj) => Equals(obj as TagVocabulary);
    public override int GetHashCode() => Tags.Aggregate(17, (h, t) => h * 31 + t.GetHashCode(StringComparison.Ordinal));
    public override string ToString() => string.Join(", ", Tags);

    /// <summary>The <paramref name="count"/> tags with the most positives, most frequent first (ties by name).</summary>
    public static TagVocabulary MostFrequent(IEnumerable<string> tagOccurrences, int count) =>
        new(tagOccurrences.GroupBy(t => t, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(count).Select(g => g.Key));
}
