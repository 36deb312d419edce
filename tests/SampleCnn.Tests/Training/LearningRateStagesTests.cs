using SampleCnn.Runs;
using SampleCnn.Training;
using static SampleCnn.Training.LearningRateStages;

namespace SampleCnn.Tests.Training;

public class LearningRateStagesTests
{
    static TrainingState Start => new("3^9", ["a"], 0.5, 0, 0, double.PositiveInfinity, 0, null);

    [Fact]
    public void ThreeEpochsWithoutImprovementMoveToTheNextStageThenStop()
    {
        var state = Start;
        var decisions = new List<StageDecision>();
        // Losses: improve, improve, then stall three times (stage 2), improve, stall three times (last stage ends).
        foreach (var loss in new[] { 1.0, 0.8, 0.9, 0.85, 0.81, 0.7, 0.75, 0.75, 0.72 })
        {
            (state, var decision) = After(state, loss, patience: 3, stages: 2);
            decisions.Add(decision);
        }
        Assert.Equal([StageDecision.NewBest, StageDecision.NewBest, StageDecision.Continue, StageDecision.Continue, StageDecision.NextStage,
            StageDecision.NewBest, StageDecision.Continue, StageDecision.Continue, StageDecision.Finish], decisions);
        Assert.Equal(1, state.Stage);
        Assert.Equal(0.7, state.BestValidLoss);
        Assert.Equal(StopReason.LastStageEnded, state.Finished);
    }

    [Fact]
    public void AnEqualLossIsNotAnImprovement()
    {
        var (state, first) = After(Start, 0.5, 3, 5);
        var (_, second) = After(state, 0.5, 3, 5);
        Assert.Equal(StageDecision.NewBest, first);
        Assert.Equal(StageDecision.Continue, second);
    }

    [Fact]
    public void ANewStageRemembersTheEpochItStartedAfter()
    {
        var state = Start with { Epoch = 7, BestValidLoss = 0.5, EpochsWithoutImprovement = 2 };
        var (next, decision) = After(state, 0.6, patience: 3, stages: 5);
        Assert.Equal(StageDecision.NextStage, decision);
        Assert.Equal(7, next.StageStartEpoch);
        (next, decision) = After(next with { Epoch = 8 }, 0.4, patience: 3, stages: 5);
        Assert.Equal(StageDecision.NewBest, decision);
        Assert.Equal(7, next.StageStartEpoch);
    }
}
