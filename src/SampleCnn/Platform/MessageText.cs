namespace SampleCnn.Platform;

/// <summary>How a message is shown where one line is expected: an error on stderr, a reason in a table's cell.</summary>
public static class MessageText
{
    public static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
