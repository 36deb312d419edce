using SampleCnn.Data.Sources;

namespace SampleCnn.Evaluation;

/// <summary>
/// Which of a model's outputs scores each of a store's tags. The model's tags must be the store's, in any
/// order, each either spelled the same or the same ignoring case, spaces, hyphens and underscores (published
/// MTAT checkpoints name "no vocals" noVocals); <see cref="BySpelling"/> lists the pairs matched that way.
/// </summary>
internal sealed record TagAlignment(long[] OutputOf, IReadOnlyList<TagSpelling> BySpelling)
{
    /// <summary>The model's outputs are the store's tags in the store's order.</summary>
    public bool IsIdentity => OutputOf.Select((o, i) => o == i).All(same => same);

    public static TagAlignment Between(TagVocabulary store, IReadOnlyList<string> modelTags, string storeFolder)
    {
        if (store.Count != modelTags.Count) store.RequireSame(modelTags, storeFolder, "model's");
        var outputOf = new long[store.Count];
        var matched = new bool[store.Count];
        var bySpelling = new List<TagSpelling>();
        // A spelling that two store tags share matches neither: the match would be a guess.
        var spelled = store.Tags.Select((t, i) => (Key: Spelling(t), Index: i)).GroupBy(p => p.Key)
            .Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Index);
        for (int output = 0; output < modelTags.Count; output++)
        {
            var tag = modelTags[output];
            bool exact = store.TryGetIndex(tag, out int index);
            if (!exact && !spelled.TryGetValue(Spelling(tag), out index))
                throw new InvalidDataException($"{storeFolder}: its tags differ from the model's: the model's '{tag}' is none of them (not even ignoring case, spaces, hyphens and underscores)");
            if (matched[index])
                throw new InvalidDataException($"{storeFolder}: its tags differ from the model's: the model's '{tag}' and another of its tags both name the store's '{store.Tags[index]}'");
            matched[index] = true;
            outputOf[index] = output;
            if (!exact) bySpelling.Add(new TagSpelling(tag, store.Tags[index]));
        }
        return new TagAlignment(outputOf, bySpelling);
    }

    static string Spelling(string tag) =>
        string.Concat(tag.Where(c => c is not (' ' or '-' or '_'))).ToLowerInvariant();
}
