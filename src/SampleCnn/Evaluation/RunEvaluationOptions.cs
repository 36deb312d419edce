using SampleCnn.Data.Sources;
using SampleCnn.Platform;

namespace SampleCnn.Evaluation;

/// <summary>What to evaluate of a run and how.</summary>
/// <param name="Checkpoint">best, last, or a checkpoint file.</param>
/// <param name="Store">The store to evaluate on; null: the one the run trained on.</param>
/// <param name="SegmentsPerClip">Segments per clip; null: as the run trained; 0: every whole segment.</param>
/// <param name="Hop">Samples between segment starts; null: as the run trained, else the segment length.</param>
/// <param name="BootstrapResamples">Resamples for the 95% interval of the macro ROC-AUC.</param>
public sealed record RunEvaluationOptions(
    string Checkpoint = "best", Split Split = Split.Test, string? Store = null, ClipAggregation Aggregation = Evaluator.DefaultAggregation,
    int? SegmentsPerClip = null, int? Hop = null, int BootstrapResamples = Bootstrap.DefaultResamples, int Seed = Seeds.Default);
