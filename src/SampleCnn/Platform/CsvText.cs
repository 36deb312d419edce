namespace SampleCnn.Platform;

/// <summary>The one way the project writes a CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line break.</summary>
internal static class CsvText
{
    public static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
