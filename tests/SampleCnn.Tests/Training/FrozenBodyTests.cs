using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Training;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Training;

/// <summary>
/// A new head on a frozen body, as the demo's measurement: a body trained on some tags (low, high), a head trained on
/// another (noise) from its cached features; the body never changes until it is unfrozen.
/// </summary>
public sealed class FrozenBodyTests(FrozenBodyTests.Body trained) : IClassFixture<FrozenBodyTests.Body>
{
    /// <summary>The store and a body trained on its tags low and high, shared by the tests (each writes its own runs).</summary>
    public sealed class Body : IDisposable
    {
        internal readonly Fixtures.Scratch Scratch = new();
        internal readonly SegmentStore Store;
        internal readonly string Checkpoint;

        public Body()
        {
            Store = SegmentStore.Open(TinyDataset.Create(Scratch.Folder, clips: 24));
            var run = new RunFolder(Path.Combine(Scratch.Folder, "body"));
            Trainer.Run(Store, run, new TrainingOptions { Model = "3^5", Seed = 3, MaxEpochs = 2, Tags = ["low", "high"] }, CPU);
            Checkpoint = run.Last;
        }

        public void Dispose()
        {
            Store.Dispose();
            Scratch.Dispose();
        }
    }

    private readonly SegmentStore store = trained.Store;
    private readonly string body = trained.Checkpoint;

    // 3^5: 729-sample segments, 7 per 0.25-s clip.
    private static readonly TrainingOptions Head = new()
    {
        Model = "3^5", Seed = 4, MaxEpochs = 3, Tags = ["noise"], Freeze = FrozenLayers.Body,
    };

    RunFolder NewRun(string name) => new(Path.Combine(trained.Scratch.Folder, name + "-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>
    /// The same epochs to float rounding: the head's matrix products read cached rows from new buffers, and MKL's sums
    /// may round differently with their alignment (a few units in the ninth digit).
    /// </summary>
    static void AssertSameTraining(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Select(m => (m.Epoch, m.Stage, m.LearningRate)), actual.Select(m => (m.Epoch, m.Stage, m.LearningRate)));
        foreach (var (a, b) in expected.Zip(actual))
        {
            Assert.Equal(a.TrainLoss, b.TrainLoss, 1e-5);
            Assert.Equal(a.ValidLoss, b.ValidLoss, 1e-5);
            Assert.Equal(a.ValidRocAuc, b.ValidRocAuc, 1e-5);
            Assert.Equal(a.ValidPrAuc, b.ValidPrAuc, 1e-5);
        }
    }

    static Dictionary<string, Tensor> Weights(string checkpoint)
    {
        var (model, _) = Checkpoint.LoadModel(checkpoint);
        using (model) return model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
    }

    static bool IsHead(string key) => key.StartsWith("head.dense.", StringComparison.Ordinal) || key.StartsWith("head.hidden", StringComparison.Ordinal);

    static void AssertBodyIs(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, bool same)
    {
        var body = expected.Keys.Where(k => actual.ContainsKey(k) && !IsHead(k)).ToList();
        Assert.Contains("frontEnd.bn.running_mean", body); // BatchNorm's statistics are the body's too
        bool equal = body.All(k => expected[k].eq(actual[k]).all().item<bool>());
        Assert.True(equal == same, same ? "the frozen body changed" : "the unfrozen body did not change");
    }

    [Fact]
    public void HeadOnlyEpochsTrainANewHeadForTheRunsTagsAndLeaveTheBodyAsTrained()
    {
        var run = NewRun("head");
        var result = Trainer.Run(store, run, Head, CPU, initFrom: body);
        Assert.Equal([1, 2, 3], result.Metrics.Select(m => m.Epoch));
        Assert.True(result.Metrics[^1].TrainLoss < result.Metrics[0].TrainLoss, "the head learns");
        Assert.Equal(["noise"], Checkpoint.ReadState(run.Last).Tags);
        var before = Weights(body);
        AssertBodyIs(before, Weights(run.Last), same: true);
        AssertBodyIs(before, Weights(run.Best), same: true);
        Assert.True(File.Exists(run.Features("train")) && File.Exists(run.FeaturesProgress("valid")));

        // The config records the choice; evaluate scores exactly the run's tags.
        var config = run.ReadConfig();
        Assert.Equal((FrozenLayers.Body, HeadKind.Linear), (config.Freeze, config.Head));
        Assert.Equal(["noise"], config.Tags!);
        var evaluated = RunEvaluation.Evaluate(run, new RunEvaluationOptions(BootstrapResamples: 0), CPU);
        Assert.Equal(["noise"], evaluated.Report.Tags.Select(t => t.Tag));
    }

    [Fact]
    public void CachedFeaturesTrainTheSameHeadAsTheBodyRunOnEveryBatch()
    {
        var cachedRun = NewRun("cached");
        var cached = Trainer.Run(store, cachedRun, Head, CPU, initFrom: body);
        var uncachedRun = NewRun("uncached");
        var uncached = Trainer.Run(store, uncachedRun, Head with { CacheFeatures = false }, CPU, initFrom: body);
        Assert.False(File.Exists(uncachedRun.Features("train")));
        AssertSameTraining(cached.Metrics, uncached.Metrics);
        var (x, y) = (Weights(cachedRun.Last), Weights(uncachedRun.Last));
        Assert.All(x, p => Assert.True(p.Value.allclose(y[p.Key], rtol: 1e-4, atol: 1e-6), p.Key));
    }

    [Fact]
    public void AHeadTrainingStoppedWhileCachingOrTrainingResumesToTheSameMetrics()
    {
        var often = Head with { CheckpointMinutes = 1e-9 }; // a checkpoint after every batch, a count after every cached clip
        var wholeRun = NewRun("whole");
        var whole = Trainer.Run(store, wholeRun, often, CPU, initFrom: body);
        var run = NewRun("stopped");
        StopWhen(p => p.Caching == Split.Train && p.Batch == 5, initFrom: body);
        var counted = File.ReadAllText(run.FeaturesProgress("train"));
        Assert.Contains("\"clips\": 5", counted);
        File.AppendAllText(run.Features("train"), "a torn row past the count"); // as a kill while appending leaves it
        StopWhen(p => p.Caching == Split.Valid && p.Batch == 2);
        StopWhen(p => p.Epoch == 2 && p.Batch == 3 && p.Caching is null && !p.Validating);
        var resumed = Trainer.Run(store, run, often, CPU, resume: true);
        AssertSameTraining(whole.Metrics, resumed.Metrics);
        Assert.Equal(new FileInfo(wholeRun.Features("train")).Length, new FileInfo(run.Features("train")).Length);

        void StopWhen(Func<TrainingProgress, bool> reached, string? initFrom = null)
        {
            using var cancel = new CancellationTokenSource();
            var progress = new Synchronous(p => { if (reached(p)) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() =>
                Trainer.Run(store, run, often, CPU, resume: initFrom is null, initFrom: initFrom, progress: progress, cancel: cancel.Token));
        }
    }

    [Fact]
    public void UnfreezingAfterNEpochsTrainsTheWholeNetworkFromTheNext()
    {
        var options = Head with { UnfreezeAfter = 1, MaxEpochs = 2 };
        var whole = Trainer.Run(store, NewRun("unfrozen"), options, CPU, initFrom: body);
        var run = NewRun("switch");
        Trainer.Run(store, run, options with { MaxEpochs = 1 }, CPU, initFrom: body);
        var before = Weights(body);
        AssertBodyIs(before, Weights(run.Last), same: true);
        // Resumed across the switch: the checkpoint holds the optimizer of the whole network.
        var resumed = Trainer.Run(store, run, new TrainingOptions { MaxEpochs = 2 }, CPU, resume: true);
        AssertBodyIs(before, Weights(run.Last), same: false);
        AssertSameTraining(whole.Metrics, resumed.Metrics);
    }

    [Fact]
    public void AnMlpHeadTrainsAHiddenLayerOnTheVectorBeforeIt()
    {
        var run = NewRun("mlp");
        Trainer.Run(store, run, Head with { Head = HeadKind.Mlp, MaxEpochs = 1 }, CPU, initFrom: body);
        Assert.Equal("3^5+dense-head", Checkpoint.ReadState(run.Last).Model);
        var trained = Weights(run.Last);
        Assert.Contains("head.hidden.weight", trained.Keys);
        AssertBodyIs(Weights(body), trained, same: true);
    }

    [Fact]
    public void TheHeadsInputGivesTheNetworksLogits()
    {
        manual_seed(2);
        using var model = new TaggingCnn(ModelSpec.Parse("3^4+dense-head"), 3);
        model.eval();
        using var x = randn(4, 1, 243);
        using var logits = model.Logits(x);
        foreach (bool beforeHidden in new[] { false, true })
        {
            using var input = model.HeadInput(x, beforeHidden);
            Assert.Equal([4L, 512L], input.shape);
            Assert.True(model.LogitsFrom(input, beforeHidden).allclose(logits, atol: 1e-6), $"before hidden: {beforeHidden}");
        }
    }

    [Fact]
    public void FreezingWithoutStartingWeightsOrATagTheStoreLacksIsRefused()
    {
        var run = NewRun("refused");
        var error = Assert.Throws<OptionException>(() => Trainer.Run(store, run, Head, CPU));
        Assert.Equal("frozen layers body: needs the weights to start from (a trained model's body)", error.Message);
        error = Assert.Throws<OptionException>(() => Trainer.Run(store, run, Head with { Tags = ["noise", "drums"] }, CPU, initFrom: body));
        Assert.Equal($"tags drums: is not one of the store's tags ({string.Join(", ", store.Vocabulary.Tags)})", error.Message);
        Assert.False(File.Exists(run.Config));
    }

    sealed class Synchronous(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
