using SampleCnn.Models;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict of any layout
/// (<see cref="StateDict"/>: ours, or a published checkpoint's). The body must fit the model exactly (every key,
/// shape and dtype), otherwise nothing is loaded and the first mismatch is named. A state_dict with as many outputs
/// as the run has tags gives every weight; one with another count gives the body, and the run starts a new head
/// (the last dense layer, as initialised): fine-tuning a published model onto a user's tags. A run on a frozen body
/// names its new head's layers (<paramref name="newHead"/>): those stay as initialised whatever the source holds, and
/// the source is a model of <paramref name="body"/>'s spec (an MLP head adds a hidden layer the body may not have).
/// </summary>
internal static class InitialWeights
{
    /// <param name="body">The source's model spec; null: the run's.</param>
    /// <param name="newHead">Key prefixes of the layers that start anew; null: the output layer when the tag counts differ.</param>
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags, ModelSpec? body = null, string[]? newHead = null)
    {
        body ??= model.Spec;
        TaggingCnn source;
        if (StateDict.IsStateDictPath(path)) source = StateDict.Open(path, body).Model;
        else
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
            var state = Checkpoint.ReadState(path);
            if (state.Model != body.ToString() || (newHead is null && state.Tags.Length != tags.Count))
                throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run is {body} with {tags.Count} tags");
            source = Checkpoint.LoadModel(path).Model;
        }
        using (source)
        {
            var fresh = newHead ?? (source.Tags != tags.Count ? [TaggingCnn.OutputLayerKey] : []);
            var theirs = source.state_dict();
            var weights = new Dictionary<string, Tensor>();
            foreach (var (key, ours) in model.state_dict())
            {
                bool keep = fresh.Any(k => key.StartsWith(k, StringComparison.Ordinal));
                if (!keep && !theirs.ContainsKey(key)) throw new InvalidDataException($"{path}: holds no {key}, which {model.Spec} has in its body");
                weights[key] = (keep ? ours : theirs[key]).clone();
            }
            StateDict.Apply(path, weights, model);
        }
    }
}
