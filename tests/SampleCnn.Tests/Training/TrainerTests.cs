using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Training;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();
    private readonly SegmentStore store;

    // 3^5: 729-sample segments, 7 per 0.25-s clip.
    private static readonly TrainingOptions Tiny = new() { Model = "3^5", Seed = 3, MaxEpochs = 4 };

    public TrainerTests() => store = SegmentStore.Open(TinyDataset.Create(scratch.Folder));

    public void Dispose()
    {
        store.Dispose();
        scratch.Dispose();
    }

    RunFolder NewRun(string name) => new(Path.Combine(scratch.Folder, name));

    static IEnumerable<(int, int, double, double, double, double, double)> Comparable(IEnumerable<EpochMetrics> rows) =>
        rows.Select(m => (m.Epoch, m.Stage, m.LearningRate, m.TrainLoss, m.ValidLoss, m.ValidRocAuc, m.ValidPrAuc));

    [Fact]
    public void ATinyModelLearnsTheSyntheticTagsAndWritesItsRunFolder()
    {
        var run = NewRun("learn");
        var result = Trainer.Run(store, run, Tiny with { MaxEpochs = 5 }, CPU);
        Assert.Equal(StopReason.EpochLimit, result.State.Finished);
        Assert.Equal([1, 2, 3, 4, 5], result.Metrics.Select(m => m.Epoch));
        Assert.True(result.Metrics[^1].ValidRocAuc > 0.85, $"valid ROC-AUC {result.Metrics[^1].ValidRocAuc}");
        Assert.True(result.Metrics[^1].TrainLoss < result.Metrics[0].TrainLoss);
        foreach (var file in new[] { run.Config, run.Metrics, run.Best, run.Last })
            Assert.True(File.Exists(file), file);
        Assert.NotEmpty(Directory.GetFiles(run.TensorBoard, "events.out.tfevents.*"));
        Assert.Equal(store.Vocabulary.Tags, Checkpoint.ReadState(run.Last).Tags);
        Assert.Equal(6, File.ReadAllLines(run.Metrics).Length);
    }

    [Fact]
    public void TheSameSeedGivesTheSameMetrics()
    {
        var a = Trainer.Run(store, NewRun("a"), Tiny with { MaxEpochs = 2 }, CPU);
        var b = Trainer.Run(store, NewRun("b"), Tiny with { MaxEpochs = 2 }, CPU);
        Assert.Equal(Comparable(a.Metrics), Comparable(b.Metrics));
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameMetrics()
    {
        var whole = Trainer.Run(store, NewRun("whole"), Tiny, CPU);

        var run = NewRun("interrupted");
        using (var cancel = new CancellationTokenSource())
        {
            // Stopped in the middle of epoch 3, after two epochs were checkpointed.
            var progress = new Synchronous(p => { if (p.Epoch == 3 && p.Batch == 5) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(store, run, Tiny, CPU, progress: progress, cancel: cancel.Token));
        }
        Assert.Equal(2, Checkpoint.ReadState(run.Last).Epoch);
        File.AppendAllText(run.Metrics, "3,0,0.01,0.5"); // as if killed while writing epoch 3's row
        var resumed = Trainer.Run(store, run, new TrainingOptions(), CPU, resume: true);
        Assert.Equal(Comparable(whole.Metrics), Comparable(resumed.Metrics));
        Assert.Equal(5, File.ReadAllLines(run.Metrics).Length);
    }

    [Fact]
    public void StagesAdvanceWhenValidationStallsAndRestartFromTheBestWeightsWithAFreshOptimizer()
    {
        // A rate too small to help: the validation loss soon stops improving, so stages change quickly.
        var options = Tiny with { LearningRates = [1e-9, 1e-9, 1e-9], Patience = 1, MaxEpochs = 12 };
        var run = NewRun("stages");
        int epoch = 0, changes = 0;
        TrainingResult result;
        do
        {
            // One epoch per invocation, so the checkpoints can be inspected at every step.
            result = Trainer.Run(store, run, options with { MaxEpochs = ++epoch }, CPU, resume: epoch > 1);
            var last = Checkpoint.ReadState(run.Last);
            using var fromLast = Checkpoint.LoadModel(run.Last).Model;
            // The optimizer saved with it, read into one without momentum buffers.
            using var optimizer = optim.SGD(fromLast.parameters(), 0.5);
            Checkpoint.Load(run.Last, fromLast, optimizer);
            var buffers = optimizer.state_dict().State.Select(s => ((TorchSharp.Modules.SGD.State)s).momentum_buffer is not null).ToArray();
            if (last.Stage > result.Metrics[^1].Stage)
            {
                changes++;
                using var fromBest = Checkpoint.LoadModel(run.Best).Model;
                Assert.All(fromLast.state_dict().Zip(fromBest.state_dict()), p => Assert.True(p.First.Value.eq(p.Second.Value).all().item<bool>(), p.First.Key));
                Assert.All(buffers, Assert.False); // a fresh optimizer at each stage: no momentum carried over
            }
            else if (last.Finished != StopReason.LastStageEnded)
                Assert.All(buffers, Assert.True);
        } while (result.State.Finished != StopReason.LastStageEnded && epoch < 12);

        var stages = result.Metrics.Select(m => m.Stage).ToArray();
        Assert.Equal(2, stages.Max());
        Assert.Equal(2, changes);
        Assert.Equal(StopReason.LastStageEnded, result.State.Finished);
        Assert.True(stages.Zip(stages.Skip(1)).All(p => p.Second == p.First || p.Second == p.First + 1));
    }

    [Fact]
    public void ANonFiniteLossStopsWithEpochAndBatchAndKeepsTheLastGoodCheckpoint()
    {
        var run = NewRun("nan");
        Trainer.Run(store, run, Tiny with { MaxEpochs = 1 }, CPU);
        var config = File.ReadAllText(run.Config).Replace("0.01,", "1e30,");
        File.WriteAllText(run.Config, config);
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Run(store, run, new TrainingOptions { MaxEpochs = 3 }, CPU, resume: true));
        Assert.Equal(2, error.Epoch);
        Assert.Contains($"at epoch 2, batch {error.Batch} of 10 (23 segments)", error.Message);
        Assert.Contains("(try lower learning rates)", error.Message);
        Assert.Contains("(try lower --learning-rates)", error.MessageNaming("--learning-rates"));
        Assert.Equal(nameof(TrainingOptions.LearningRates), error.Option);
        var (model, state) = Checkpoint.LoadModel(run.Last);
        using (model) Assert.Equal(1, state.Epoch);
    }

    [Fact]
    public void AStoreWithOtherTagsIsRefusedOnResume()
    {
        var run = NewRun("tags");
        Trainer.Run(store, run, Tiny with { MaxEpochs = 1 }, CPU);
        using var otherScratch = new Fixtures.Scratch();
        using var other = SegmentStore.Open(TinyDataset.Create(otherScratch.Folder, clips: 12, tags: ["bass", "treble", "hiss"]));
        var error = Assert.Throws<InvalidDataException>(() => Trainer.Run(other, run, new TrainingOptions { MaxEpochs = 2 }, CPU, resume: true));
        Assert.Contains("differ from the run's", error.Message);
    }

    [Fact]
    public void ANonEmptyRunFolderIsNotOverwritten()
    {
        var run = NewRun("busy");
        Directory.CreateDirectory(run.Path);
        File.WriteAllText(Path.Combine(run.Path, "notes.txt"), "mine");
        Assert.Throws<IOException>(() => Trainer.Run(store, run, Tiny, CPU));
    }

    [Fact]
    public void ARunStoppedAnywhereResumesToTheSameMetrics()
    {
        var whole = Trainer.Run(store, NewRun("whole"), Tiny with { MaxEpochs = 2 }, CPU);
        var run = NewRun("stopped");
        StopAt(1, 3, Tiny with { MaxEpochs = 2 });
        // Stopped before its first checkpoint: a new run is refused, a resume starts from scratch.
        Assert.True(File.Exists(run.Config));
        Assert.False(File.Exists(run.Last));
        var started = Assert.Throws<RunStartedException>(() => Trainer.Run(store, run, Tiny, CPU));
        Assert.Equal($"{run.Path}: a run was started in this folder; use the resume option to continue it, or another folder", started.Message);
        Assert.Equal("resume", started.Option);

        var often = Tiny with { MaxEpochs = 2, CheckpointMinutes = 1e-9 }; // a checkpoint after every batch
        foreach (var (epoch, batch) in new[] { (1, 4), (2, 3), (2, 10) })
        {
            StopAt(epoch, batch, often);
            var state = Checkpoint.ReadState(run.Last);
            Assert.Equal((epoch - 1, batch), (state.Epoch, state.InEpoch!.Batches));
        }
        var resumed = Trainer.Run(store, run, often, CPU, resume: true);
        Assert.Equal(Comparable(whole.Metrics), Comparable(resumed.Metrics));
        Assert.Null(Checkpoint.ReadState(run.Last).InEpoch);

        void StopAt(int epoch, int batch, TrainingOptions options)
        {
            using var cancel = new CancellationTokenSource();
            var progress = new Synchronous(p => { if (p.Epoch == epoch && p.Batch == batch && !p.Validating) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(store, run, options, CPU, resume: File.Exists(run.Config), progress: progress, cancel: cancel.Token));
        }
    }

    [Fact]
    public void ALastBatchOfOneSegmentDoesNotKillTraining()
    {
        // 10 train clips x 7 segments = 70 = 23 x 3 + 1.
        using var oddScratch = new Fixtures.Scratch();
        using var odd = SegmentStore.Open(TinyDataset.Create(oddScratch.Folder, clips: 14));
        Assert.Equal(70, new BatchLoader(odd, Split.Train, new SegmentPlan(729, 10, 729)).SegmentCount);
        var result = Trainer.Run(odd, new RunFolder(Path.Combine(oddScratch.Folder, "run")), Tiny with { MaxEpochs = 1 }, CPU);
        Assert.All(result.Metrics, m => Assert.True(double.IsFinite(m.ValidLoss) && double.IsFinite(m.TrainLoss), $"epoch {m.Epoch}: {m.TrainLoss}, {m.ValidLoss}"));
    }

    [Fact]
    public void AFolderHoldingOnlyALockAndTemporaryFilesIsEmpty()
    {
        var run = NewRun("leftovers");
        Directory.CreateDirectory(run.Path);
        File.WriteAllText(Path.Combine(run.Path, ".lock"), "");
        File.WriteAllText(Path.Combine(run.Path, "config.json.tmp"), "{");
        File.WriteAllText(Path.Combine(run.Path, "last.ckpt.tmp"), "torn");
        using var cancel = new CancellationTokenSource();
        var progress = new Synchronous(_ => cancel.Cancel()); // started: enough
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(store, run, Tiny, CPU, progress: progress, cancel: cancel.Token));
        Assert.True(File.Exists(run.Config));
    }

    [Fact]
    public void ASecondTrainerOnTheSameRunIsRefused()
    {
        var run = NewRun("locked");
        using (SampleCnn.Platform.WriterLock.Acquire(run.Path, "run folder"))
        {
            var error = Assert.Throws<IOException>(() => Trainer.Run(store, run, Tiny, CPU));
            Assert.Contains("another process is writing to this run folder", error.Message);
            File.WriteAllText(run.Config, "{}");
            error = Assert.Throws<IOException>(() => Trainer.Run(store, run, Tiny, CPU, resume: true));
            Assert.Contains("another process is writing to this run folder", error.Message);
        }
    }

    [Fact]
    public void TheThreadCountIsRecordedAndReusedOnResume()
    {
        var run = NewRun("threads");
        int before = get_num_threads();
        try
        {
            set_num_threads(1);
            Trainer.Run(store, run, Tiny with { MaxEpochs = 1 }, CPU);
            Assert.Contains("\"threads\": 1", File.ReadAllText(run.Config));
            set_num_threads(2);
            Trainer.Run(store, run, new TrainingOptions { MaxEpochs = 2 }, CPU, resume: true);
            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }

    sealed class Synchronous(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
