using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using SampleCnn.Training;
using SampleCnn.Visualization;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Platform;

/// <summary>
/// Training, evaluation, tagging and filter ascent while another thread forces collections and runs the
/// finalizers of what they found dead, as fast as it can. A Scalar or tensor that TorchSharp let go of while
/// libtorch still reads it is then freed under it: an error ("alpha must not be a floating point number",
/// "Expected false to be true"), a crash, or silently wrong numbers; so the results must also equal a quiet run's.
/// </summary>
public sealed class GcStressTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    sealed class Collector : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;

        public int Collections { get; private set; }

        public Collector()
        {
            thread = new Thread(() =>
            {
                while (!stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Collections++;
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }

    sealed record Results(IReadOnlyList<EpochMetrics> Training, float[] TestScores, float[] Tags, float[,] Ascent);

    static Results Everything(SegmentStore store, string runFolder)
    {
        var options = new TrainingOptions { Model = "3^4", Seed = 7, MaxEpochs = 2, SegmentsPerClip = null };
        var trained = Trainer.Run(store, new RunFolder(runFolder), options, CPU);
        var (model, _) = Checkpoint.LoadModel(new RunFolder(runFolder).Last);
        using (model)
        {
            var plan = new SegmentPlan((int)model.Spec.InputSamples, null, (int)model.Spec.InputSamples);
            var test = ClipPredictions.Compute(model, new BatchLoader(store, Split.Test, plan), CPU);
            var ascent = FilterAscent.Run(model, 2, new AscentOptions(InputSamples: 243, Steps: 3), CPU);
            string[] files = ["pcm16-stereo-11k.wav", "float64-mono-8k.wav"];
            var tagger = new Tagger(model, store.Vocabulary.Tags.ToArray(), CPU, new TaggerOptions(BatchSize: 5));
            var tags = tagger.Tag(files.Select(Fixtures.PathOf).ToList()).SelectMany(t => t.SegmentScores).ToArray();
            return new Results(trained.Metrics, test.SegmentScores, tags, ascent.Inputs);
        }
    }

    static IEnumerable<(int, double, double, double)> Comparable(IEnumerable<EpochMetrics> rows) =>
        rows.Select(m => (m.Epoch, m.TrainLoss, m.ValidLoss, m.ValidRocAuc));

    [Fact]
    public void CollectionsFromAnotherThreadChangeNothing()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder));
        var quiet = Everything(store, Path.Combine(scratch.Folder, "quiet"));
        Results stressed;
        int collections;
        using (var collector = new Collector())
        {
            stressed = Everything(store, Path.Combine(scratch.Folder, "stressed"));
            collections = collector.Collections;
        }
        Assert.True(collections > 100, $"only {collections} collections ran");
        Assert.Equal(Comparable(quiet.Training), Comparable(stressed.Training));
        Assert.Equal(quiet.TestScores, stressed.TestScores);
        Assert.Equal(quiet.Tags, stressed.Tags);
        Assert.Equal(quiet.Ascent, stressed.Ascent);
    }
}
