namespace SampleCnn.Data.Store;

/// <summary>The files of a segment store folder.</summary>
internal static class StoreLayout
{
    public const string Samples = "samples.i16";
    public const string Index = "index.jsonl";
    public const string Request = "prepare.json";
}
