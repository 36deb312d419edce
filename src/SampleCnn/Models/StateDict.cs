using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// A model's weights as a PyTorch state_dict (.pth, read and written with TorchSharp.PyBridge). Ours has our module
/// names as keys (see the README's key table and bench/reference.py, whose model uses the same names), so a PyTorch
/// model built the same way loads as is; the published checkpoints' layouts (<see cref="WeightsLayout"/>) are
/// recognised from their keys and mapped to ours. Weights must fit the model exactly (every key, shape and dtype);
/// otherwise nothing is loaded and the first mismatch is named, in the file's own key names.
/// </summary>
internal static class StateDict
{
    /// <summary>
    /// A file PyTorch saved: by the extensions state_dicts are saved under (a run's --init-from takes .pt as one too),
    /// or by its first bytes, a zip archive (PyTorch's format) or a pickle, as a Lightning .ckpt (ours start otherwise).
    /// </summary>
    public static bool IsStateDictPath(string path)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is ".pth" or ".pt" or ".bin") return true;
        if (!File.Exists(path)) return false;
        Span<byte> start = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(start, 4, throwOnEndOfStream: false) == 4 && (start.SequenceEqual("PK\u0003\u0004"u8) || start[0] == 0x80);
    }

    /// <summary>
    /// Opens a state_dict of any layout as the model it fits, its outputs as many as its head's rows, in eval mode on
    /// the CPU. Ours carries no spec: it is <paramref name="spec"/>, which a published layout, fitting one model,
    /// does not need (and refuses when it differs).
    /// </summary>
    public static (WeightsLayout Layout, TaggingCnn Model) Open(string path, ModelSpec? spec)
    {
        var (layout, tensors) = Read(path);
        try
        {
            if (layout.Spec is { } fixedSpec && spec is not null && spec != fixedSpec)
                throw new InvalidDataException($"{path}: holds {layout.Title} weights, a {fixedSpec} model, not {spec}");
            var modelSpec = layout.Spec ?? spec ?? throw new ArgumentException($"{path}: a SampleCnn state_dict carries no model spec; give its model spec");
            // A missing or odd head is named by the fit; until then any output count serves.
            int outputs = tensors.TryGetValue(layout.HeadKey, out var head) && head.dim() == 2 ? (int)head.shape[0] : 1;
            var model = new TaggingCnn(modelSpec, outputs);
            try
            {
                Fit(path, layout, tensors, model);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.eval();
            return (layout, model);
        }
        catch
        {
            Dispose(tensors);
            throw;
        }
    }

    /// <summary>
    /// Loads weights read from <paramref name="source"/> (under our keys) into the model when every key, shape and
    /// dtype fits, else loads nothing and names the first mismatch; the weights are disposed either way.
    /// </summary>
    public static void Apply(string source, Dictionary<string, Tensor> weights, TaggingCnn model) => Fit(source, WeightsLayout.SampleCnn, weights, model);

    /// <summary>Writes a model's weights as a PyTorch state_dict.</summary>
    public static void Save(TaggingCnn model, string path) => model.save_py(path);

    /// <summary>Checks the file's tensors (under the layout's keys) against the model, then loads them; disposes them either way.</summary>
    static void Fit(string source, WeightsLayout layout, Dictionary<string, Tensor> weights, TaggingCnn model)
    {
        try
        {
            RequireSameLayout(source, layout, weights, model);
            model.load_state_dict(weights.ToDictionary(w => layout.OurKey(w.Key)!, w => w.Value), strict: true);
        }
        finally
        {
            Dispose(weights);
        }
    }

    /// <summary>The file's tensors, under its own keys, and the layout they come nearest to.</summary>
    static (WeightsLayout Layout, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights not found", path);
        Hashtable table;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 4 || !(bytes.AsSpan(0, 4).SequenceEqual("PK\u0003\u0004"u8) || bytes[0] == LegacyPyTorchFile.PickleStart))
                throw new InvalidDataException("neither a zip archive nor a pickle");
            // PyTorch's legacy format (before 1.6) is rewritten as the zip format PyBridge reads.
            using var file = bytes[0] == LegacyPyTorchFile.PickleStart ? LegacyPyTorchFile.ToZip(bytes) : new MemoryStream(bytes);
            table = PyTorchUnpickler.UnpickleStateDict(file);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state_dict ({e.Message.Split('\n')[0]})", e);
        }
        // A training checkpoint (PyTorch Lightning's) keeps the weights in its state_dict entry.
        bool nested = table["state_dict"] is IDictionary;
        var tensors = Tensors(nested ? (IDictionary)table["state_dict"]! : table);
        if (nested) Dispose(Tensors(table)); // its other tensors (optimizer state) are not the model's

        var candidates = WeightsLayout.All.Where(l => l.Nested == nested).ToList();
        var nearest = candidates.MaxBy(l => tensors.Keys.Count(k => l.OurKey(k) is not null))!;
        if (nested)
            foreach (var key in tensors.Keys.Where(k => nearest.OurKey(k) is null).ToList())
            {
                tensors[key].Dispose();
                tensors.Remove(key);
            }
        var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        if (!keys.Any(k => nearest.OurKey(k) is not null))
        {
            Dispose(tensors);
            throw new InvalidDataException(keys.Count == 0
                ? $"{path}: holds no weights{(nested ? " in its state_dict" : "")}"
                : $"{path}: {keys[0]} is not a key of any layout SampleCnn opens ({string.Join(", ", candidates.Select(c => c.Name))})");
        }
        return (nearest, tensors);
    }

    static Dictionary<string, Tensor> Tensors(IDictionary table)
    {
        var weights = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string key && entry.Value is Tensor tensor) weights[key] = tensor;
        return weights;
    }

    static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

    /// <summary>Every key of the model present with its shape and dtype, and no other key; else the first mismatch, in the layout's key names.</summary>
    static void RequireSameLayout(string source, WeightsLayout layout, Dictionary<string, Tensor> weights, TaggingCnn model)
    {
        var what = $"{model.Spec} with {model.Tags} tags";
        var expected = model.state_dict().ToDictionary(p => layout.TheirKey(p.Key), p => p.Value);
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
