using System.Text.Json;
using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Tests.Runs;

public class StopReasonTests
{
    static TrainingState Read(string finished) => JsonSerializer.Deserialize<TrainingState>(
        $$"""{"model": "3^5", "tags": ["a"], "dropout": 0.5, "epoch": 3, "stage": 0, "best_valid_loss": 0.5, "epochs_without_improvement": 0, "finished": {{finished}}}""",
        JsonSettings.Indented)!;

    [Theory]
    [InlineData("\"--max-epochs 5 reached\"", StopReason.EpochLimit)]
    [InlineData("\"--max-minutes 0.5 reached\"", StopReason.TimeLimit)]
    [InlineData("\"the last learning-rate stage ended\"", StopReason.LastStageEnded)]
    [InlineData("\"epoch_limit\"", StopReason.EpochLimit)]
    [InlineData("\"time_limit\"", StopReason.TimeLimit)]
    [InlineData("\"last_stage_ended\"", StopReason.LastStageEnded)]
    public void CheckpointsOfEitherFormReadTheirStopReason(string json, StopReason expected) => Assert.Equal(expected, Read(json).Finished);

    [Fact]
    public void ARunStillGoingHasNoStopReason() => Assert.Null(Read("null").Finished);

    [Fact]
    public void AnUnknownReasonIsRefused() => Assert.Throws<JsonException>(() => Read("\"bored\""));

    [Fact]
    public void TheReasonIsWrittenByNameAndReadBack()
    {
        var state = Read("null") with { Finished = StopReason.LastStageEnded };
        var json = JsonSerializer.Serialize(state, JsonSettings.Indented);
        Assert.Contains("\"finished\": \"last_stage_ended\"", json);
        Assert.Equal(state.Finished, JsonSerializer.Deserialize<TrainingState>(json, JsonSettings.Indented)!.Finished);
    }
}
