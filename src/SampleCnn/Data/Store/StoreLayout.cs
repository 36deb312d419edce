namespace SampleCnn.Data.Store;

/// <summary>The files of a segment store folder.</summary>
internal static class StoreLayout
{
    public const string Samples = "samples.i16";
    public const string Index = "index.jsonl";
    public const string Request = "prepare.json";

    /// <summary>Where a worker streams one clip's int16 samples while earlier clips are still being appended.</summary>
    public static string Decoding(string folder, int clip) => Path.Combine(folder, $"{DecodingPrefix}{clip}.i16");

    /// <summary>Decodes a kill left behind (the index is the truth: they are decoded again).</summary>
    public static IEnumerable<string> LeftDecodings(string folder) => Directory.EnumerateFiles(folder, DecodingPrefix + "*.i16");

    const string DecodingPrefix = ".decoding-";
}
