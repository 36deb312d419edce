namespace SampleCnn.Runs;

/// <summary>Where a run keeps one evaluation: the report as JSON, the per-tag table as CSV, the per-tag chart as PNG.</summary>
public sealed record EvaluationFiles(string Json, string Csv, string Png);
