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
/// names no tags (ours, CLMR's) counts as the same tags when it has as many outputs.
/// </summary>
internal static class InitialWeights
{
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags)
    {
        var (source, sourceTags) = Open(path, model);
        using (source)
        {
            var theirs = source.state_dict();
            var rows = OutputRows(path, sourceTags, source.Tags, tags);
            StateDict.Apply(path, model.state_dict().ToDictionary(p => p.Key, p =>
                !p.Key.StartsWith(TaggingCnn.OutputLayerKey, StringComparison.Ordinal) ? theirs[p.Key].clone()
                : rows is null ? p.Value.clone()
                : theirs[p.Key].index_select(0, rows)), model);
        }
    }

    /// <summary>The file's network (checked against the run's spec) and its tags where the file names them.</summary>
    static (TaggingCnn Source, IReadOnlyList<string>? Tags) Open(string path, TaggingCnn model)
    {
        if (StateDict.IsStateDictPath(path))
        {
            var (layout, source) = StateDict.Open(path, model.Spec);
            return (source, PublishedTags.Default(layout, source.Tags));
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        var state = Checkpoint.ReadState(path);
        if (state.Model != model.Spec.ToString())
            throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run is {model.Spec}");
        return (Checkpoint.LoadModel(path).Model, state.Tags);
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
