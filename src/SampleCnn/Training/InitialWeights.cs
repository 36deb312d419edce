using System.Collections;
using SampleCnn.Models;
using SampleCnn.Runs;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Starting weights for a new run, from a SampleCnn checkpoint or a PyTorch state_dict (.pth/.pt, read
/// with TorchSharp.PyBridge). A state_dict's keys are our module names (see the README's key table and
/// bench/reference.py, whose model uses the same names), so a PyTorch model built the same way loads as is.
/// The weights must fit the model exactly (every key, shape and dtype); otherwise nothing is loaded and
/// the first mismatch is named. Starting from a body with another head is not offered.
/// </summary>
public static class InitialWeights
{
    public static void Load(string path, TaggingCnn model, IReadOnlyList<string> tags)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        Dictionary<string, Tensor> weights;
        if (extension is ".pth" or ".pt" or ".bin")
            weights = ReadStateDict(path);
        else
        {
            var state = Checkpoint.ReadState(path);
            if (state.Model != model.Spec.ToString() || state.Tags.Length != tags.Count)
                throw new InvalidDataException($"{path}: holds {state.Model} with {state.Tags.Length} tags; this run is {model.Spec} with {tags.Count} tags");
            var (saved, _) = Checkpoint.LoadModel(path);
            using (saved) weights = saved.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        }
        try
        {
            RequireSameLayout(path, weights, model);
            model.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>Writes a model's weights as a PyTorch state_dict.</summary>
    public static void ExportPyTorch(TaggingCnn model, string path) => model.save_py(path);

    static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        Hashtable table;
        try
        {
            using var file = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(file);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state_dict ({e.Message})", e);
        }
        var weights = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string key && entry.Value is Tensor tensor) weights[key] = tensor;
        return weights;
    }

    /// <summary>Every key of the model present with its shape and dtype, and no other key; else the first mismatch.</summary>
    static void RequireSameLayout(string path, Dictionary<string, Tensor> weights, TaggingCnn model)
    {
        var what = $"{model.Spec} with {model.Tags} tags";
        var expected = model.state_dict();
        foreach (var (key, target) in expected)
        {
            if (!weights.TryGetValue(key, out var source))
                throw new InvalidDataException($"{path}: {key} of {model.Spec} is missing from the file");
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{path}: {key} has shape {Shape(source)} in the file, {Shape(target)} in {what}");
            if (source.dtype != target.dtype)
                throw new InvalidDataException($"{path}: {key} is {source.dtype} in the file, {target.dtype} in {what}");
        }
        if (weights.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).FirstOrDefault() is { } extra)
            throw new InvalidDataException($"{path}: {extra} in the file is not a weight of {model.Spec}");
    }

    static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
