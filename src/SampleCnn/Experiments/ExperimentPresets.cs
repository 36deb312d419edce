using SampleCnn.Models;

namespace SampleCnn.Experiments;

/// <summary>The paper's comparisons, by name: the models each one trains.</summary>
public static class ExperimentPresets
{
    static readonly Dictionary<string, string[]> Models = new()
    {
        // 3^n at 59049 samples, first filter 3 ... 729 (the paper's first table).
        ["filters"] = ["3^9", "frame:9", "frame:27", "frame:81", "frame:243", "frame:729"],
        // m^n families (the paper's second table).
        ["families"] = ["2^14", "3^9", "4^7", "5^6"],
        // Sample-level inputs from about 1 to 3.5 s.
        ["duration"] = ["3^8", "2^15", "3^9", "5^6"],
    };

    public static IReadOnlyCollection<string> Names => Models.Keys;

    /// <summary>The models of a preset, or null for a name that is not one.</summary>
    public static IReadOnlyList<ModelSpec>? Find(string name) =>
        Models.TryGetValue(name, out var specs) ? specs.Select(ModelSpec.Parse).ToList() : null;
}
