using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Runs;
using SampleCnn.Training;

namespace SampleCnn.Experiments;

/// <summary>Where a comparison stands: which model, in which run folder, and what just happened to it.</summary>
public sealed record ExperimentProgress(ModelSpec Model, RunFolder Run, ExperimentStep Step)
{
    /// <summary>At <see cref="ExperimentStep.Started"/>: the run was started by an earlier call and resumes.</summary>
    public bool Resumed { get; init; }

    /// <summary>At <see cref="ExperimentStep.Training"/>.</summary>
    public TrainingProgress Training { get; init; }

    /// <summary>At <see cref="ExperimentStep.Trained"/>.</summary>
    public TrainingResult? Trained { get; init; }

    /// <summary>At <see cref="ExperimentStep.Evaluated"/>.</summary>
    public RunEvaluationResult? Evaluated { get; init; }

    /// <summary>At <see cref="ExperimentStep.Failed"/>: the reason, as the table records it.</summary>
    public string? Failure { get; init; }
}
