using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Tests.Training;

public class TrainingOptionsTests
{
    public static TheoryData<TrainingOptions, string, string> BadOptions => new()
    {
        { new() { BatchSize = 1 }, nameof(TrainingOptions.BatchSize), "batch size 1: must be at least 2 (BatchNorm cannot train on one segment)" },
        { new() { LearningRates = [0.01, 0] }, nameof(TrainingOptions.LearningRates), "learning rates: give one or more positive rates" },
        { new() { Patience = 0 }, nameof(TrainingOptions.Patience), "patience 0: must be at least 1" },
        { new() { Dropout = 1 }, nameof(TrainingOptions.Dropout), "dropout 1: must be in [0, 1)" },
        { new() { Momentum = -0.5 }, nameof(TrainingOptions.Momentum), "momentum -0.5: must be in [0, 1)" },
        { new() { WeightDecay = -1 }, nameof(TrainingOptions.WeightDecay), "weight decay -1: must not be negative" },
        { new() { LearningRateDecay = double.NaN }, nameof(TrainingOptions.LearningRateDecay), "learning-rate decay NaN: must not be negative" },
        { new() { BatchNormEpsilon = 0 }, nameof(TrainingOptions.BatchNormEpsilon), "BatchNorm epsilon 0: must be positive" },
        { new() { BatchNormMomentum = 1.5 }, nameof(TrainingOptions.BatchNormMomentum), "BatchNorm momentum 1.5: must be in (0, 1]" },
        { new() { SegmentsPerClip = 0 }, nameof(TrainingOptions.SegmentsPerClip), "segments per clip 0: must be at least 1" },
        { new() { SegmentHop = 0 }, nameof(TrainingOptions.SegmentHop), "segment hop 0: must be at least 1" },
        { new() { MaxEpochs = 0 }, nameof(TrainingOptions.MaxEpochs), "epoch limit 0: must be at least 1" },
        { new() { MaxMinutes = 0 }, nameof(TrainingOptions.MaxMinutes), "time limit in minutes 0: must be positive" },
        { new() { CheckpointMinutes = 0 }, nameof(TrainingOptions.CheckpointMinutes), "minutes between checkpoints 0: must be positive" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void ABadValueNamesItsOptionByMeaningAndCarriesItsProperty(TrainingOptions options, string option, string message)
    {
        var error = Assert.Throws<OptionException>(options.Validate);
        Assert.Equal(option, error.Option);
        Assert.Equal(message, error.Message); // no flag, and no " (Parameter '...')"
        Assert.DoesNotContain("--", error.Message);
        Assert.StartsWith("--flag", error.MessageNaming("--flag"));
    }

    [Fact]
    public void TheDefaultsAreThePapersRecipeAndValid()
    {
        var options = new TrainingOptions();
        options.Validate();
        Assert.Equal([0.01, 0.002, 0.0004, 0.00008, 0.000016], options.LearningRates);
        Assert.Equal((23, 0.9, 1e-7, 0.5, 3), (options.BatchSize, options.Momentum, options.WeightDecay, options.Dropout, options.Patience));
        Assert.Equal(new BatchNormSettings(), options.BatchNorm);
    }

    [Fact]
    public void LearningRatesParseFromAListAndABadEntryIsAnOptionError()
    {
        Assert.Equal([0.1, 0.02], TrainingOptions.ParseLearningRates(" 0.1, 0.02 "));
        var error = Assert.Throws<OptionException>(() => TrainingOptions.ParseLearningRates("0.01,fast"));
        Assert.Equal(nameof(TrainingOptions.LearningRates), error.Option);
        Assert.Equal("learning rates: 'fast' is not a number", error.Message);
    }
}
