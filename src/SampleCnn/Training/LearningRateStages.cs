using SampleCnn.Runs;

namespace SampleCnn.Training;

/// <summary>
/// The paper's schedule: stay at a rate while the validation loss improves; after <c>patience</c> epochs
/// without improvement move to the next rate from the best weights; after the last rate, stop.
/// </summary>
internal static class LearningRateStages
{
    /// <summary>Updates the state with an epoch's validation loss and says what follows.</summary>
    public static (TrainingState State, StageDecision Decision) After(TrainingState state, double validLoss, int patience, int stages)
    {
        if (validLoss < state.BestValidLoss)
            return (state with { BestValidLoss = validLoss, EpochsWithoutImprovement = 0 }, StageDecision.NewBest);
        var waited = state.EpochsWithoutImprovement + 1;
        if (waited < patience) return (state with { EpochsWithoutImprovement = waited }, StageDecision.Continue);
        return state.Stage + 1 < stages
            ? (state with { Stage = state.Stage + 1, EpochsWithoutImprovement = 0, StageStartEpoch = state.Epoch }, StageDecision.NextStage)
            : (state with { EpochsWithoutImprovement = waited, Finished = StopReason.LastStageEnded }, StageDecision.Finish);
    }
}
