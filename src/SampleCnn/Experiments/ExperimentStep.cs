namespace SampleCnn.Experiments;

/// <summary>What happened to a model of a comparison (see <see cref="ExperimentProgress"/>).</summary>
public enum ExperimentStep
{
    /// <summary>The model's turn begins (a run started earlier resumes).</summary>
    Started,

    /// <summary>The model was trained and evaluated by an earlier call: it is not retrained.</summary>
    FinishedEarlier,

    /// <summary>An epoch advanced.</summary>
    Training,

    /// <summary>Training stopped at the budget or at the end of the schedule.</summary>
    Trained,

    /// <summary>The best checkpoint was evaluated on the test split.</summary>
    Evaluated,

    /// <summary>Training or evaluation failed; the comparison goes on with the next model.</summary>
    Failed,
}
