namespace SampleCnn.Data.Sources;

public static class Splits
{
    public static readonly Split[] All = [Split.Train, Split.Valid, Split.Test];

    public static string Name(this Split split) => split switch { Split.Train => "train", Split.Valid => "valid", _ => "test" };

    public static Split? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "train" or "training" => Split.Train,
        "valid" or "validation" or "val" => Split.Valid,
        "test" or "testing" => Split.Test,
        _ => null,
    };

    /// <summary>
    /// A split from a stable hash of a clip's key: 80% train, 10% valid, 10% test, the same on every
    /// machine and run (FNV-1a of the UTF-8 key, not string.GetHashCode, which is randomised per process).
    /// </summary>
    public static Split FromHash(string key)
    {
        uint hash = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key)) hash = (hash ^ b) * 16777619;
        return (hash % 10) switch { < 8 => Split.Train, 8 => Split.Valid, _ => Split.Test };
    }
}
