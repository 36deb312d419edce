using SampleCnn.Models;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict (<see cref="StateDict"/>).
/// The weights must fit the model exactly (every key, shape and dtype); otherwise nothing is loaded and the
/// first mismatch is named. Starting from a body with another head is not offered.
/// </summary>
internal static class InitialWeights
{
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags)
    {
        if (StateDict.IsStateDictPath(path))
        {
            StateDict.Load(path, model);
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
