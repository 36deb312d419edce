namespace SampleCnn.Runs;

/// <summary>Why a training run stopped. A resume continues a run stopped by a limit; one whose schedule ended has nothing left to do.</summary>
public enum StopReason
{
    /// <summary>The run reached its limit of epochs in all.</summary>
    EpochLimit,

    /// <summary>The invocation used its time limit.</summary>
    TimeLimit,

    /// <summary>The validation loss stopped improving at the last learning rate: the paper's end of training.</summary>
    LastStageEnded,
}
