using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Training;
using SampleCnn.Visualization;

namespace SampleCnn.Experiments;

/// <summary>
/// Where the demo stands: a step begins (<see cref="Begins"/>), advances (one of the progress values), or
/// brings a result (one of the results), so a front end can show each step as it happens.
/// </summary>
public sealed record DemoProgress(DemoStep Step)
{
    public bool Begins { get; init; }

    /// <summary>Generating: the index of a clip just written (clips are written in parallel: these come from several threads, in any order).</summary>
    public int? ClipWritten { get; init; }

    /// <summary>Generating: the tags CSV, once every clip is written.</summary>
    public string? Annotations { get; init; }

    /// <summary>Preparing: the clips and tags the CSV lists, before decoding.</summary>
    public DatasetListing? Listing { get; init; }

    public PrepareProgress? Preparing { get; init; }
    public PrepareReport? Prepared { get; init; }
    public TrainingProgress? Training { get; init; }
    public TrainingResult? Trained { get; init; }
    public RunEvaluationResult? Evaluated { get; init; }

    /// <summary>Tagging: the model that tags, once opened.</summary>
    public ModelInfo? Tagger { get; init; }

    public TaggedClip? Tagged { get; init; }
    public AscentStep? Ascent { get; init; }
    public FilterVisualizationResult? Drawn { get; init; }
}
