namespace SampleCnn.Tagging;

/// <summary>
/// What <see cref="PartsMerge.Run"/> found: the manifest's entries, the parts and rows read, files found more than once
/// (one row kept), manifest entries no part holds, files that failed, and rows naming files the manifest does not list
/// (left out). <see cref="Complete"/> when nothing is missing and nothing failed.
/// </summary>
public sealed record MergeReport(string Out, int Entries, int Parts, int Rows, IReadOnlyList<string> Duplicates, IReadOnlyList<string> Missing,
    IReadOnlyList<(string File, string Error)> Failed, IReadOnlyList<string> Unlisted)
{
    public bool Complete => Missing.Count == 0 && Failed.Count == 0;
}
