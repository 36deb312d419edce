using SampleCnn.Runs;

namespace SampleCnn.Evaluation;

/// <summary>The report of a run's evaluation and the files it was kept in.</summary>
public sealed record RunEvaluationResult(EvaluationReport Report, EvaluationFiles Files);
