using SampleCnn.Data.Sources;
using SampleCnn.Platform;
using SampleCnn.Tagging;

namespace SampleCnn.Evaluation;

/// <summary>What to evaluate of a run and how.</summary>
/// <param name="Checkpoint">best, last, or a checkpoint file.</param>
/// <param name="Store">The store to evaluate on; null: the one the run trained on.</param>
/// <param name="SegmentsPerClip">Segments per clip (paper protocol); null: as the run trained; 0: every whole segment.</param>
/// <param name="Hop">Samples between segment starts (paper protocol); null: as the run trained, else the segment length.</param>
/// <param name="BootstrapResamples">Resamples for the 95% interval of the macro ROC-AUC.</param>
/// <param name="Protocol">Which segments are scored: the paper's, or Won et al. 2020's (which sets them itself).</param>
/// <param name="Engine">What runs the network: libtorch, or our Winograd engine (basic m = 3 models, fp32, CPU).</param>
public sealed record RunEvaluationOptions(
    string Checkpoint = "best", Split Split = Split.Test, string? Store = null, ClipAggregation Aggregation = Evaluator.DefaultAggregation,
    int? SegmentsPerClip = null, int? Hop = null, int BootstrapResamples = Bootstrap.DefaultResamples, int Seed = Seeds.Default,
    EvaluationProtocol Protocol = Evaluator.DefaultProtocol, TaggerEngine Engine = TaggerEngine.Torch);
