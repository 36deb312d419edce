using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Evaluation;

/// <summary>A store without a validation split: the evaluation stands, every tag keeps 0.5 marked untuned, and its decisions are counted at 0.5.</summary>
public sealed class NoValidationSplitTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void EveryTagKeepsTheDefaultAndIsDecidedAtIt()
    {
        TinyDataset.Create(scratch.Folder, clips: 12);
        var csv = Path.Combine(scratch.Folder, "no-valid.csv");
        File.WriteAllLines(csv, File.ReadAllLines(Path.Combine(scratch.Folder, "tags.csv")).Select(l => l.Replace(",valid", ",train")));
        var folder = Path.Combine(scratch.Folder, "no-valid");
        StoreWriter.Prepare(CsvTags.Load(csv, Path.Combine(scratch.Folder, "audio")), folder, new PrepareOptions(22050, MaxClipSamples: null));
        using var store = SegmentStore.Open(folder);
        Assert.Empty(store.ClipsOf(Split.Valid));
        manual_seed(3);
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), store.Vocabulary.Count);

        var report = Evaluator.Evaluate(model, store.Vocabulary.Tags.ToArray(), "m", 0, store, Split.Test, CPU, resamples: 0);
        Assert.Equal(0, report.Thresholds!.Clips);
        Assert.All(report.Thresholds.Tags, t => Assert.Equal((0.5f, false, 0), (t.Threshold, t.Tuned, t.Positives)));
        Assert.All(report.Tags, t => Assert.Equal((0.5f, false), (t.Threshold, t.ThresholdTuned)));

        // The decisions on test at 0.5, counted from the test clips' scores.
        var length = (int)model.Spec.InputSamples;
        var test = ClipPredictions.Compute(model, new BatchLoader(store, Split.Test, new SegmentPlan(length, null, length)), CPU);
        var decided = F1Thresholds.Decide(TagMetrics.Compute(store.Vocabulary.Tags, test.ClipScores, test.ClipTargets).Tags, test.ClipScores, test.ClipTargets, report.Thresholds.Tags);
        Assert.Equal(decided.Tags.Select(t => t.F1), report.Tags.Select(t => t.F1));
        Assert.Equal(decided.MicroF1, report.MicroF1);
    }
}
