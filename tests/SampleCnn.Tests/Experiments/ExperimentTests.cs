using SampleCnn.Experiments;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Experiments;

public sealed class ExperimentTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();
    private readonly string store;
    private readonly string outDir;

    public ExperimentTests()
    {
        store = TinyDataset.Create(scratch.Folder, clips: 36);
        outDir = Path.Combine(scratch.Folder, "experiment");
    }

    public void Dispose() => scratch.Dispose();

    ExperimentOptions TwoModels => new(store, [ModelSpec.Parse("3^4"), ModelSpec.Parse("2^6")], ExperimentBudget.EqualEpochs(1), outDir);

    static (ExperimentResult Result, List<ExperimentProgress> Steps) Run(ExperimentOptions options, Action<ExperimentProgress>? onStep = null, CancellationToken cancel = default)
    {
        var steps = new List<ExperimentProgress>();
        var result = Experiment.Run(options, CPU, new SynchronousProgress<ExperimentProgress>(p =>
        {
            steps.Add(p);
            onStep?.Invoke(p);
        }), cancel);
        return (result, steps);
    }

    static List<(string, ExperimentStep)> Outline(IEnumerable<ExperimentProgress> steps) =>
        [.. steps.Where(s => s.Step != ExperimentStep.Training).Select(s => (s.Model.ToString(), s.Step))];

    [Fact]
    public void AFailingModelIsRecordedWithItsReasonAndTheOthersStillRun()
    {
        // An injected failure: a file where 3^4's run folder should be.
        var blocker = new ExperimentFolder(outDir).Run(ModelSpec.Parse("3^4")).Path;
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "not a folder");

        var (result, steps) = Run(TwoModels);

        Assert.Equal([("3^4", ExperimentStep.Started), ("3^4", ExperimentStep.Failed),
            ("2^6", ExperimentStep.Started), ("2^6", ExperimentStep.Trained), ("2^6", ExperimentStep.Evaluated)], Outline(steps));
        var failed = Assert.Single(result.Failed);
        Assert.Equal("3^4", failed.Model);
        Assert.StartsWith("failed: ", failed.Failure);
        Assert.Contains("3_4", failed.Failure);
        Assert.True(double.IsNaN(failed.RocAuc));
        var done = result.Rows[1];
        Assert.Null(done.Failure);
        Assert.Equal(1, done.Epochs);
        Assert.InRange(done.RocAuc, 0, 1);
        Assert.Contains(steps, s => s.Step == ExperimentStep.Training && s.Model.ToString() == "2^6" && s.Training.Epoch == 1);
        Assert.Contains("| 2^6 | 2 | 128 | 6 |", result.Markdown);
        Assert.Equal(result.Markdown, File.ReadAllText(result.Folder.ResultsMarkdown));
        Assert.Equal(3, File.ReadAllLines(result.Folder.ResultsCsv).Length);
        Assert.True(new FileInfo(result.Folder.Plot).Length > 1000);
    }

    [Fact]
    public void AFinishedModelIsNotRetrainedAndOneKilledBeforeItsFirstCheckpointResumes()
    {
        var options = TwoModels;
        var folder = new ExperimentFolder(outDir);
        var killed = folder.Run(ModelSpec.Parse("2^6"));
        using (var cancel = new CancellationTokenSource())
        {
            // Killed at 2^6's first batch: its config is written, no checkpoint yet.
            Assert.ThrowsAny<OperationCanceledException>(() =>
                Run(options, p => { if (p.Step == ExperimentStep.Training && p.Model.ToString() == "2^6") cancel.Cancel(); }, cancel.Token));
        }
        Assert.True(killed.WasStarted);
        Assert.False(File.Exists(killed.Last));
        var finished = folder.Run(ModelSpec.Parse("3^4"));
        var metrics = File.ReadAllText(finished.Metrics);
        var written = File.GetLastWriteTimeUtc(finished.Metrics);

        var (result, steps) = Run(options);

        Assert.Equal([("3^4", ExperimentStep.Started), ("3^4", ExperimentStep.FinishedEarlier),
            ("2^6", ExperimentStep.Started), ("2^6", ExperimentStep.Trained), ("2^6", ExperimentStep.Evaluated)], Outline(steps));
        Assert.False(steps[0].Resumed);
        Assert.True(steps.Single(s => s.Model.ToString() == "2^6" && s.Step == ExperimentStep.Started).Resumed);
        Assert.DoesNotContain(steps, s => s.Step == ExperimentStep.Training && s.Model.ToString() == "3^4");
        Assert.Equal(metrics, File.ReadAllText(finished.Metrics));
        Assert.Equal(written, File.GetLastWriteTimeUtc(finished.Metrics));
        Assert.Empty(result.Failed);
        Assert.All(result.Rows, r => Assert.Equal(1, r.Epochs));
        Assert.True(double.IsFinite(result.Rows[0].RocAuc));
    }

    [Fact]
    public void PresetsAndBudgets()
    {
        Assert.Equal(["3^9", "frame:9", "frame:27", "frame:81", "frame:243", "frame:729"], ExperimentPresets.Find("filters")!.Select(s => s.ToString()));
        Assert.Equal(["filters", "families", "duration"], ExperimentPresets.Names);
        Assert.Null(ExperimentPresets.Find("sizes"));
        Assert.Equal("3 epochs each", ExperimentBudget.EqualEpochs(3).ToString());
        Assert.Equal("1.5 training minutes each", ExperimentBudget.EqualMinutes(1.5).ToString());
        Assert.Equal("Epochs", Assert.Throws<OptionException>(() => ExperimentBudget.EqualEpochs(0)).Option);
        Assert.Throws<OptionException>(() => ExperimentBudget.EqualMinutes(0));
        Assert.Equal(Path.Combine("out", "runs", "frame-729"), new ExperimentFolder("out").Run(ModelSpec.Parse("frame:729")).Path);
    }
}
