using System.Text.Json;
using System.Text.Json.Serialization;

namespace SampleCnn.Runs;

/// <summary>
/// A stop reason in the project's JSON style ("epoch_limit"); also reads the sentences that checkpoints written
/// before the reason was typed hold ("--max-epochs 5 reached", "--max-minutes 2 reached", "the last
/// learning-rate stage ended"), so those runs still resume.
/// </summary>
internal sealed class StopReasonJson : JsonConverter<StopReason?>
{
    static readonly Dictionary<string, StopReason> Names = Enum.GetValues<StopReason>().ToDictionary(r => Name(r));

    public override StopReason? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("a stop reason is not text");
        return Names.TryGetValue(text, out var reason) ? reason
            : text == "the last learning-rate stage ended" ? StopReason.LastStageEnded
            : text.StartsWith("--max-epochs ", StringComparison.Ordinal) ? StopReason.EpochLimit
            : text.StartsWith("--max-minutes ", StringComparison.Ordinal) ? StopReason.TimeLimit
            : throw new JsonException($"'{text}' is not a stop reason");
    }

    public override void Write(Utf8JsonWriter writer, StopReason? value, JsonSerializerOptions options)
    {
        if (value is { } reason) writer.WriteStringValue(Name(reason));
        else writer.WriteNullValue();
    }

    static string Name(StopReason reason) => JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());
}
