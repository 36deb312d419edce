using SampleCnn.Models;
using TorchSharp;
using TorchSharp.PyBridge;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict (.pth/.pt, read
/// with TorchSharp.PyBridge). A state_dict's keys are our module names (see the README's key table and
/// bench/reference.py, whose model uses the same names), so a PyTorch model built the same way loads as is.
/// </summary>
public static class InitialWeights
{
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pth" or ".pt" or ".bin")
        {
            try
            {
                model.load_py(path, strict: true);
            }
            catch (Exception e) when (e is not FileNotFoundException)
            {
                throw new InvalidDataException($"{path}: not a state_dict of {model.Spec} with {model.Tags} tags ({e.Message})", e);
            }
            return;
        }
        var state = Checkpoint.ReadState(path);
        if (state.Model != model.Spec.ToString() || state.Tags.Length != tags.Count)
            throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run is {model.Spec} with {tags.Count} tags");
        Checkpoint.Load(path, model);
    }

    /// <summary>Writes a model's weights as a PyTorch state_dict.</summary>
    public static void ExportPyTorch(TaggingCnn model, string path) => model.save_py(path);
}
