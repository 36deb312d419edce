using SampleCnn.Models;
using SampleCnn.Runs;
using TorchSharp.Modules;

namespace SampleCnn.Training;

/// <summary>
/// The layers a run on a frozen body trains: the output layer (its dropout before it), and for an MLP head the
/// hidden dense layer and its BatchNorm too. Everything else is the body: its weights stay, and its BatchNorm runs
/// in evaluation mode (the running statistics it was trained with), so its features are fixed and can be cached.
/// </summary>
internal static class NewHead
{
    const string Dropout = "head.dropout";
    static readonly string[] Linear = [TaggingCnn.OutputLayerKey], Mlp = [TaggingCnn.OutputLayerKey, "head.hidden.", "head.hiddenBn."];

    /// <summary>The key prefixes of the new head's weights, or null when the run has no frozen body.</summary>
    public static string[]? Keys(TrainingOptions options) =>
        options.Freeze == FrozenLayers.Body ? options.Head == HeadKind.Mlp ? Mlp : Linear : null;

    /// <summary>True when the head's input is the vector before the hidden layer (an MLP head trains that layer too).</summary>
    public static bool BeforeHidden(TrainingOptions options) => options.Head == HeadKind.Mlp;

    /// <summary>The weights an epoch trains: the new head's while it trains alone, else all.</summary>
    public static IEnumerable<Parameter> Parameters(TaggingCnn model, string[]? keys) =>
        keys is null ? model.parameters() : model.named_parameters().Where(p => Owns(keys, p.name)).Select(p => p.parameter);

    /// <summary>Training mode for the layers trained (all, or the new head and its dropout), evaluation mode for the frozen body.</summary>
    public static void SetModes(TaggingCnn model, string[]? keys)
    {
        model.train();
        if (keys is null) return;
        model.eval();
        foreach (var (name, module) in model.named_modules())
            if (name == Dropout || Owns(keys, name + ".")) module.train();
    }

    static bool Owns(string[] keys, string name) => keys.Any(k => name.StartsWith(k, StringComparison.Ordinal));
}
