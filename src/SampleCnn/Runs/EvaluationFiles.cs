namespace SampleCnn.Runs;

/// <summary>
/// Where a run keeps one evaluation: the report as JSON, the per-tag table as CSV, the per-tag chart as PNG, and the
/// thresholds tuned for the checkpoint (shared by its evaluations of every split).
/// </summary>
public sealed record EvaluationFiles(string Json, string Csv, string Png, string Thresholds);
