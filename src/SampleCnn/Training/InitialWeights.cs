using SampleCnn.Models;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict of any layout
/// (<see cref="StateDict"/>: ours, or a published checkpoint's). The body must fit the model exactly (every key,
/// shape and dtype), otherwise nothing is loaded and the first mismatch is named. A state_dict with as many outputs
/// as the run has tags gives every weight; one with another count gives the body, and the run starts a new head
/// (the last dense layer, as initialised): fine-tuning a published model onto a user's tags.
/// </summary>
internal static class InitialWeights
{
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags)
    {
        if (StateDict.IsStateDictPath(path))
        {
            var (_, source) = StateDict.Open(path, model.Spec);
            using (source)
            {
                var theirs = source.state_dict();
                bool newHead = source.Tags != tags.Count;
                StateDict.Apply(path, model.state_dict().ToDictionary(p => p.Key,
                    p => (newHead && p.Key.StartsWith(TaggingCnn.OutputLayerKey, StringComparison.Ordinal) ? p.Value : theirs[p.Key]).clone()), model);
            }
            return;
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        var state = Checkpoint.ReadState(path);
        if (state.Model != model.Spec.ToString() || state.Tags.Length != tags.Count)
            throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run is {model.Spec} with {tags.Count} tags");
        var (saved, _) = Checkpoint.LoadModel(path);
        Dictionary<string, Tensor> weights;
        using (saved) weights = saved.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        StateDict.Apply(path, weights, model);
    }
}
