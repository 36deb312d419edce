using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Training;
using SampleCnn.Visualization;

namespace SampleCnn.Experiments;

/// <summary>What the demo made, step by step, and where it is kept.</summary>
public sealed record DemoResult(DemoFolder Folder, PrepareReport Prepared, TrainingResult Trained, RunEvaluationResult Evaluated,
    IReadOnlyList<TaggedClip> Tagged, FilterVisualizationResult Drawn);
