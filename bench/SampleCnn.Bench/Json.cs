using System.Text.Json;

namespace SampleCnn.Bench;

/// <summary>The JSON style the workers print and the harness reads (snake_case, NaN allowed).</summary>
static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
