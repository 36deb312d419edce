using System.Text.Json;
using SGD = TorchSharp.Modules.SGD;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Training;
using TorchSharp.Modules;
using static SampleCnn.Tests.Cli.CliRunner;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Training;

/// <summary>
/// The paper's recipe, pinned on what the trainer and evaluator actually do (the optimizer saved in a
/// checkpoint, the batches of an epoch, the scores of a clip), so that a changed default fails here.
/// </summary>
public sealed class RecipeTests(RecipeTests.SharedStore shared) : IClassFixture<RecipeTests.SharedStore>, IDisposable
{
    /// <summary>One tiny store for the whole class (the tests only read it).</summary>
    public sealed class SharedStore : IDisposable
    {
        private readonly Fixtures.Scratch scratch = new();
        public string Folder { get; }
        public SegmentStore Store { get; }

        public SharedStore()
        {
            Folder = TinyDataset.Create(scratch.Folder);
            Store = SegmentStore.Open(Folder);
        }

        public void Dispose()
        {
            Store.Dispose();
            scratch.Dispose();
        }
    }

    private readonly Fixtures.Scratch scratch = new();
    private readonly string storeFolder = shared.Folder;
    private readonly SegmentStore store = shared.Store;

    public void Dispose() => scratch.Dispose();

    RunFolder NewRun(string name) => new(Path.Combine(scratch.Folder, name));

    /// <summary>The optimizer a checkpoint holds, read into one built with other settings so that only the file speaks.</summary>
    static SGD SavedOptimizer(string checkpoint, TaggingCnn model)
    {
        var optimizer = optim.SGD(model.parameters(), 0.5, momentum: 0.1, nesterov: false, weight_decay: 0.25);
        Checkpoint.Load(checkpoint, model, optimizer);
        return optimizer;
    }

    static bool[] HasMomentumBuffer(SGD optimizer) =>
        optimizer.state_dict().State.Select(s => ((SGD.State)s).momentum_buffer is not null).ToArray();

    [Fact]
    public void TheCommandLineDefaultsAreThePapersOptimizerAndStages()
    {
        var run = Path.Combine(scratch.Folder, "defaults");
        var (code, _, error) = Run("train", "--store", storeFolder, "--model", "3^5", "--run", run, "--max-epochs", "1");
        Assert.True(code == 0, error);

        var (model, _) = Checkpoint.LoadModel(Path.Combine(run, "last.ckpt"));
        using (model)
        using (var optimizer = SavedOptimizer(Path.Combine(run, "last.ckpt"), model))
        {
            var options = Assert.Single(optimizer.ParamGroups.Cast<SGD.ParamGroup>()).Options;
            Assert.Equal(0.01, options.LearningRate);
            Assert.Equal(0.9, options.momentum);
            Assert.True(options.nesterov);
            Assert.Equal(1e-7, options.weight_decay);
            Assert.Equal(0.0, options.dampening);
            Assert.All(HasMomentumBuffer(optimizer), Assert.True); // it trained with momentum
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal([0.01, 0.002, 0.0004, 0.00008, 0.000016], config.RootElement.GetProperty("learning_rates").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(23, config.RootElement.GetProperty("batch_size").GetInt32());
        Assert.Equal(3, config.RootElement.GetProperty("patience").GetInt32());
    }

    [Fact]
    public void AnEpochVisitsEveryWholeSegmentOfEveryTrainClipInBatchesOf23()
    {
        // 3^4 reads 243 samples: each 5512-sample clip holds 22 whole segments, more than the old default of 10.
        var segments = (int)store.ClipsOf(Split.Train).Sum(c => c.Length / 243);
        Assert.True(segments > 10 * store.ClipsOf(Split.Train).Count());
        int batches = 0;
        var progress = new Recorder(p => { if (!p.Validating) batches = Math.Max(batches, p.Batches); });
        Trainer.Run(store, NewRun("all"), new TrainingOptions { Model = "3^4", MaxEpochs = 1 }, CPU, progress: progress);
        Assert.Equal((segments + 22) / 23, batches);
    }

    [Fact]
    public void AClipScoresTheMeanOfItsSegmentsScores()
    {
        manual_seed(5);
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), store.Vocabulary.Count);
        model.eval();
        var loader = new BatchLoader(store, Split.Test, SegmentPlan.All(243));
        var predictions = ClipPredictions.Compute(model, loader, CPU);

        var expected = new List<float>();
        using (no_grad())
            foreach (var clip in loader.ClipByClip())
            {
                // One segment at a time, so the mean is ours, not the batch's.
                var sum = new double[model.Tags];
                for (int s = 0; s < clip.Count; s++)
                {
                    using var input = tensor(clip.Samples.AsSpan(s * 243, 243).ToArray(), [1, 1, 243]);
                    using var scores = model.forward(input);
                    var values = scores.data<float>().ToArray();
                    for (int t = 0; t < values.Length; t++) sum[t] += values[t];
                }
                expected.AddRange(sum.Select(v => (float)(v / clip.Count)));
            }
        Assert.Equal(expected.Count, predictions.ClipScores.Length);
        Assert.All(expected.Zip(predictions.ClipScores), p => Assert.Equal(p.First, p.Second, 5));

        // The evaluator's default is that mean, over every whole segment.
        var report = Evaluator.Evaluate(model, store.Vocabulary.Tags.ToArray(), "test", 0, store, Split.Test, CPU, resamples: 0);
        Assert.Equal("mean", report.Aggregation);
        Assert.Equal(EvaluationProtocol.Paper, report.Protocol);
        Assert.Equal(0, report.SegmentsPerClip);
        Assert.Equal(TagMetrics.Compute(store.Vocabulary.Tags, expected.ToArray(), predictions.ClipTargets).MacroRocAuc, report.MacroRocAuc, 6);
    }


    [Theory]
    [InlineData("3^3")]
    [InlineData("frame:81")]
    [InlineData("mel:729")]
    [InlineData("se:2^4")]
    [InlineData("rese2-multi:3^4")]
    public void BatchNormSettingsReachEveryBatchNorm(string spec)
    {
        using var model = new TaggingCnn(ModelSpec.Parse(spec), 3, batchNorm: new BatchNormSettings(1e-3, 0.01));
        var norms = model.modules().OfType<BatchNorm1d>().ToList();
        Assert.True(norms.Count >= ModelSpec.Parse(spec).Modules + 2, $"{norms.Count} BatchNorms");
        Assert.All(norms, bn => Assert.Equal((1e-3, 0.01), (bn.eps, bn.momentum!.Value)));
        using var plain = new TaggingCnn(ModelSpec.Parse(spec), 3);
        Assert.All(plain.modules().OfType<BatchNorm1d>(), bn => Assert.Equal((1e-5, 0.1), (bn.eps, bn.momentum!.Value)));
    }

    [Fact]
    public void BatchNormAndDecayOptionsAreRecordedKeptOnResumeAndCarriedByCheckpoints()
    {
        var run = Path.Combine(scratch.Folder, "keras");
        var (code, _, error) = Run("train", "--store", storeFolder, "--model", "3^5", "--run", run, "--max-epochs", "1",
            "--bn-epsilon", "0.001", "--bn-momentum", "0.01", "--lr-decay", "1e-6");
        Assert.True(code == 0, error);
        var config = JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(Path.Combine(run, "config.json")), JsonSettings.Indented)!;
        Assert.Equal((1e-3, 0.01, 1e-6), (config.BatchNormEpsilon, config.BatchNormMomentum, config.LearningRateDecay));

        (code, _, error) = Run("train", "--store", storeFolder, "--run", run, "--resume", "--max-epochs", "2");
        Assert.True(code == 0, error);
        foreach (var checkpoint in new[] { "last.ckpt", "best.ckpt" })
        {
            var (model, state) = Checkpoint.LoadModel(Path.Combine(run, checkpoint));
            using (model)
            {
                Assert.Equal(2, Checkpoint.ReadState(Path.Combine(run, "last.ckpt")).Epoch);
                Assert.All(model.modules().OfType<BatchNorm1d>(), bn => Assert.Equal((1e-3, 0.01), (bn.eps, bn.momentum!.Value)));
            }
        }
        // Exported weights still load into a model built with the same settings.
        var pth = Path.Combine(scratch.Folder, "keras.pth");
        (code, _, error) = Run("export", "--model", run, "--pytorch", pth);
        Assert.True(code == 0, error);
        using var fresh = new TaggingCnn(ModelSpec.Parse("3^5"), store.Vocabulary.Count, batchNorm: new BatchNormSettings(1e-3, 0.01));
        InitialWeights.Load(pth, fresh, store.Vocabulary.Tags.ToArray());
    }

    [Fact]
    public void TheLearningRateDecaysPerUpdateAndItsCountSurvivesAResume()
    {
        // lr_t = lr / (1 + decay t): with a huge decay every update after the first is negligible, so a
        // second epoch barely moves the weights; without decay it moves them a lot. The second epoch is a
        // resume, so a decay or update count lost on resume would show as a large move.
        double SecondEpochMove(double decay, string name)
        {
            var run = NewRun(name);
            var options = new TrainingOptions { Model = "3^5", Seed = 3, LearningRateDecay = decay, MaxEpochs = 1 };
            Trainer.Run(store, run, options, CPU);
            var (first, _) = Checkpoint.LoadModel(run.Last);
            Trainer.Run(store, run, new TrainingOptions { MaxEpochs = 2 }, CPU, resume: true);
            var (second, _) = Checkpoint.LoadModel(run.Last);
            using (first)
            using (second)
                return first.parameters().Zip(second.parameters()).Max(p => (p.First - p.Second).abs().max().item<float>());
        }
        var decayed = SecondEpochMove(1e6, "decayed");
        var plain = SecondEpochMove(0, "plain");
        Assert.True(decayed < 1e-5, $"with decay the second epoch moved a weight by {decayed}");
        Assert.True(plain > 1e-3, $"without decay the second epoch moved the weights by at most {plain}");
    }



    sealed class Recorder(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
