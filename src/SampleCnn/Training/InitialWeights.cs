using SampleCnn.Data.Sources;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict of any layout
/// (<see cref="StateDict"/>: ours, or a published checkpoint's). The body must fit the model exactly (every key,
/// shape and dtype), otherwise nothing is loaded and the first mismatch is named. The output layer is decided by
/// tag names: where the file's tags are known (a checkpoint's own, a published layout's list) and are the run's,
/// in any order and matched as evaluation matches them (<see cref="TagAlignment"/>: "noVocals" is "no vocals"),
/// the run takes every weight, the output rows put in the run's order; other tags give the body and a new head
/// (the last dense layer, as initialised): fine-tuning a published model onto a user's tags. A state_dict that
/// names no tags (ours, CLMR's) counts as the same tags when it has as many outputs. A run on a frozen body
/// names its new head's layers (<paramref name="newHead"/>): those stay as initialised whatever the source holds, and
/// the source is a model of <paramref name="body"/>'s spec (an MLP head adds a hidden layer the body may not have).
/// </summary>
internal static class InitialWeights
{
    /// <param name="body">The source's model spec; null: the run's.</param>
    /// <param name="newHead">Key prefixes of the layers that start anew; null: the output layer when the tag counts differ.</param>
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags, ModelSpec? body = null, string[]? newHead = null)
    {
        var (source, sourceTags) = Open(path, body ?? model.Spec);
        using (source)
        {
            var theirs = source.state_dict();
            var rows = newHead is null ? OutputRows(path, sourceTags, source.Tags, tags) : null;
            var fresh = newHead ?? (rows is null ? [TaggingCnn.OutputLayerKey] : []);
            var weights = new Dictionary<string, Tensor>();
            foreach (var (key, ours) in model.state_dict())
            {
                if (fresh.Any(k => key.StartsWith(k, StringComparison.Ordinal))) weights[key] = ours.clone();
                else if (!theirs.TryGetValue(key, out var their)) throw new InvalidDataException($"{path}: holds no {key}, which {model.Spec} has in its body");
                else weights[key] = rows is not null && key.StartsWith(TaggingCnn.OutputLayerKey, StringComparison.Ordinal) ? their.index_select(0, rows) : their.clone();
            }
            StateDict.Apply(path, weights, model);
        }
    }

    /// <summary>The file's network (checked against <paramref name="spec"/>) and its tags where the file names them.</summary>
    static (TaggingCnn Source, IReadOnlyList<string>? Tags) Open(string path, ModelSpec spec)
    {
        if (StateDict.IsStateDictPath(path))
        {
            var (layout, source) = StateDict.Open(path, spec);
            return (source, PublishedTags.Default(layout, source.Tags));
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        var (saved, state) = Checkpoint.LoadModel(path); // reads the state once, with the weights
        if (state.Model == spec.ToString()) return (saved, state.Tags);
        saved.Dispose();
        throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run's body is {spec}");
    }

    /// <summary>For each of the run's tags, the file's output that scores it; null when the tags differ (a new head).</summary>
    static Tensor? OutputRows(string path, IReadOnlyList<string>? sourceTags, int outputs, IReadOnlyList<string> tags)
    {
        if (sourceTags is null) return outputs == tags.Count ? tensor(Enumerable.Range(0, outputs).Select(i => (long)i).ToArray()) : null;
        if (sourceTags.Count != tags.Count) return null;
        try { return tensor(TagAlignment.Between(new TagVocabulary(tags), sourceTags, path).OutputOf); }
        catch (InvalidDataException) { return null; }
    }
}
