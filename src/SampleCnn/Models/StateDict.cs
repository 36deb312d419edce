using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// A model's weights as a PyTorch state_dict (.pth, read and written with TorchSharp.PyBridge). Its keys are
/// our module names (see the README's key table and bench/reference.py, whose model uses the same names), so
/// a PyTorch model built the same way loads as is. Weights must fit the model exactly (every key, shape and
/// dtype); otherwise nothing is loaded and the first mismatch is named.
/// </summary>
internal static class StateDict
{
    /// <summary>Extensions PyTorch state_dicts are saved under (a run's --init-from takes .pt as one too).</summary>
    public static bool IsStateDictPath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pth" or ".pt" or ".bin";

    /// <summary>Loads the file's weights into the model, or nothing when they do not fit it exactly.</summary>
    public static void Load(string path, TaggingCnn model)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        Apply(path, Read(path), model);
    }

    /// <summary>
    /// Loads weights read from <paramref name="source"/> into the model when every key, shape and dtype fits,
    /// else loads nothing and names the first mismatch; the weights are disposed either way.
    /// </summary>
    public static void Apply(string source, Dictionary<string, Tensor> weights, TaggingCnn model)
    {
        try
        {
            RequireSameLayout(source, weights, model);
            model.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>Writes a model's weights as a PyTorch state_dict.</summary>
    public static void Save(TaggingCnn model, string path) => model.save_py(path);

    static Dictionary<string, Tensor> Read(string path)
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
    static void RequireSameLayout(string source, Dictionary<string, Tensor> weights, TaggingCnn model)
    {
        var what = $"{model.Spec} with {model.Tags} tags";
        var expected = model.state_dict();
        foreach (var (key, target) in expected)
        {
            if (!weights.TryGetValue(key, out var found))
                throw new InvalidDataException($"{source}: {key} of {model.Spec} is missing from the file");
            if (!found.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: {key} has shape {Shape(found)} in the file, {Shape(target)} in {what}");
            if (found.dtype != target.dtype)
                throw new InvalidDataException($"{source}: {key} is {found.dtype} in the file, {target.dtype} in {what}");
        }
        if (weights.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).FirstOrDefault() is { } extra)
            throw new InvalidDataException($"{source}: {extra} in the file is not a weight of {model.Spec}");
    }

    static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
