using System.Text.Json;
using System.Text.Json.Serialization;

namespace SampleCnn.Platform;

/// <summary>
/// The project's one JSON style, for every file it writes (manifests, index lines, configs, checkpoints'
/// state, evaluation reports): snake_case names, enums as text, NaN allowed (an undefined metric).
/// </summary>
internal static class JsonSettings
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same on one line (JSON lines, such as a store's index).</summary>
    public static readonly JsonSerializerOptions OneLine = new(Indented) { WriteIndented = false };
}
