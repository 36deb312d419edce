namespace SampleCnn.Models;

/// <summary>
/// A PyTorch state_dict's key layout that SampleCnn opens: ours (our module names) or a published checkpoint's
/// (facts: ../shared/COMMUNITY_CHECKPOINTS.md). Each published layout fits one model of the family (<see cref="Spec"/>),
/// its keys map to ours by prefix, and its number of outputs is its head's rows.
/// </summary>
public sealed class WeightsLayout
{
    /// <param name="name">Short name, as shown.</param>
    /// <param name="title">Where such files come from.</param>
    /// <param name="spec">The model it fits; null for ours, whose spec is given with the file.</param>
    /// <param name="headKey">Its key of the last dense layer's weight [outputs, features].</param>
    /// <param name="prefixes">Our key prefix and its key prefix for each part, in their key names.</param>
    /// <param name="nested">A training checkpoint: the weights are its <c>state_dict</c> entry, and keys outside the prefixes are not the model's.</param>
    WeightsLayout(string name, string title, string? spec, string headKey, IReadOnlyList<(string Ours, string Theirs)> prefixes, bool nested = false)
    {
        Name = name;
        Title = title;
        Spec = spec is null ? null : ModelSpec.Parse(spec);
        HeadKey = headKey;
        Prefixes = prefixes;
        Nested = nested;
    }

    public string Name { get; }
    public string Title { get; }
    public ModelSpec? Spec { get; }


    internal string HeadKey { get; }
    internal IReadOnlyList<(string Ours, string Theirs)> Prefixes { get; }
    internal bool Nested { get; }

    public override string ToString() => Name;

    const int Layers = 11; // Won et al.'s and CLMR's 3^9: layer 1, nine modules, the last conv

    // Our names of a Won et al. residual block's parts, and theirs (declared before the layouts, which use them).
    static readonly (string Ours, string Theirs)[] ResidualParts =
        [("conv1.", "conv_1."), ("bn1.", "bn_1."), ("conv2.", "conv_2."), ("bn2.", "bn_2."),
         ("se.squeeze.", "dense1."), ("se.excite.", "dense2."), ("project.", "conv_3."), ("projectBn.", "bn_3.")];

    /// <summary>Ours: <c>frontEnd.*</c>, <c>blocks.i.*</c>, <c>head.*</c> (README's key table).</summary>
    public static readonly WeightsLayout SampleCnn = new("samplecnn", "SampleCnn", null, "head.dense.weight",
        [("frontEnd.", "frontEnd."), ("blocks.", "blocks."), ("head.", "head.")]);

    /// <summary>minzwon/sota-music-tagging-models <c>sample</c>: <c>layer1..layer11.{conv,bn}</c>, <c>dense</c>.</summary>
    public static readonly WeightsLayout WonSample = new("won-sample", "Won et al. 2020 SampleCNN (sample)", "won-sample", "dense.weight",
        [.. Body((ours, layer) => [(ours, layer)], "head."), ("head.dense.", "dense.")]);

    /// <summary>minzwon/sota-music-tagging-models <c>se</c>: per layer <c>conv_1, bn_1, conv_2, bn_2, dense1, dense2, conv_3, bn_3</c>; head <c>dense1, bn, dense2</c>.</summary>
    public static readonly WeightsLayout WonSe = new("won-se", "Won et al. 2020 SampleCNN + SE (se)", "won-se", "dense2.weight",
        [.. Body((ours, layer) => ResidualParts.Select(p => (ours + p.Ours, layer + p.Theirs)), "head.last."),
         ("head.hidden.", "dense1."), ("head.hiddenBn.", "bn."), ("head.dense.", "dense2.")]);

    /// <summary>Spijkervet/CLMR SampleCNN: <c>sequential.k.0</c> conv and <c>.1</c> BN for k = 0..10, <c>fc</c>.</summary>
    public static readonly WeightsLayout Clmr = new("clmr", "CLMR SampleCNN", "clmr", "fc.weight", ClmrPrefixes(""));

    /// <summary>CLMR saved by PyTorch Lightning: the same keys under <c>encoder.</c> in the checkpoint's <c>state_dict</c>.</summary>
    public static readonly WeightsLayout ClmrLightning = new("clmr-lightning", "CLMR Lightning checkpoint (its encoder)", "clmr", "encoder.fc.weight",
        ClmrPrefixes("encoder."), nested: true);

    /// <summary>Every layout, in the order a tie between them is settled.</summary>
    public static readonly IReadOnlyList<WeightsLayout> All = [SampleCnn, WonSample, WonSe, Clmr, ClmrLightning];

    // Won et al.'s layer1 is our front end, layer2..layer10 our modules, layer11 the last conv of our head.
    static IEnumerable<(string Ours, string Theirs)> Body(Func<string, string, IEnumerable<(string, string)>> parts, string lastConv) =>
        Enumerable.Range(1, Layers).SelectMany(layer => parts(
            layer == 1 ? "frontEnd." : layer == Layers ? lastConv : $"blocks.{layer - 2}.", $"layer{layer}."));

    static (string Ours, string Theirs)[] ClmrPrefixes(string prefix) =>
        [.. Enumerable.Range(0, Layers).SelectMany(k =>
        {
            var ours = k == 0 ? "frontEnd." : k == Layers - 1 ? "head." : $"blocks.{k - 1}.";
            return new[] { (ours + "conv.", $"{prefix}sequential.{k}.0."), (ours + "bn.", $"{prefix}sequential.{k}.1.") };
        }), ("head.dense.", prefix + "fc.")];

    /// <summary>Our key for one of its keys (the longest prefix decides), or null when no part of the layout has it.</summary>
    internal string? OurKey(string theirKey) =>
        Prefixes.Where(p => theirKey.StartsWith(p.Theirs, StringComparison.Ordinal)).OrderByDescending(p => p.Theirs.Length)
            .Select(p => p.Ours + theirKey[p.Theirs.Length..]).FirstOrDefault();

    /// <summary>Its key for one of ours (the longest prefix decides).</summary>
    internal string TheirKey(string ourKey)
    {
        var m = Prefixes.Where(p => ourKey.StartsWith(p.Ours, StringComparison.Ordinal)).MaxBy(p => p.Ours.Length);
        return m.Theirs + ourKey[m.Ours.Length..];
    }
}
