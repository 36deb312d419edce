using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using SampleCnn.Training;
using SampleCnn.Visualization;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Training;

/// <summary>A model's sample rate: in its spec, its checkpoints, run folder and opened info; every verb reads audio at it; stores of another rate are refused.</summary>
public sealed class SampleRateTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    string Folder(string name) => Directory.CreateDirectory(Path.Combine(scratch.Folder, name)).FullName;

    [Fact]
    public void A16kHzStoreTrainsAndEvaluatesA16kHzModelThatCarriesItsRate()
    {
        var storeFolder = TinyDataset.Create(Folder("data16"), clips: 24, sampleRate: 16000);
        using var store = SegmentStore.Open(storeFolder);
        Assert.Equal(16000, store.Manifest.SampleRate);
        // Each 0.25-s clip (5512 samples at 22050 Hz) holds 4000 samples at 16 kHz.
        Assert.All(store.Clips, c => Assert.Equal(4000, c.Length));

        var run = new RunFolder(Path.Combine(scratch.Folder, "run"));
        var result = Trainer.Run(store, run, new TrainingOptions { Model = "3^5@16000", Seed = 3, MaxEpochs = 1 }, CPU);
        Assert.Equal("3^5@16000", run.ReadConfig().Model);
        Assert.Equal("3^5@16000", Checkpoint.ReadState(run.Best).Model);
        Assert.Equal("3^5@16000", result.State.Model);

        using (var opened = TrainedModel.Open(run.Path, new ModelOpenOptions(), CPU))
        {
            Assert.Equal(16000, opened.Info.SampleRate);
            Assert.Equal(16000, opened.Cnn!.Spec.SampleRate);
            Assert.Contains("3^5@16000, 3 tags, 16000 Hz", opened.Info.Description);
        }
        var evaluated = RunEvaluation.Evaluate(run, new RunEvaluationOptions(BootstrapResamples: 10), CPU);
        Assert.Equal("3^5@16000", evaluated.Report.Model);
        Assert.Equal(4, evaluated.Report.Clips);
    }

    [Fact]
    public void TrainingAndEvaluationRefuseAStoreOfAnotherRateNamingBoth()
    {
        using var store22 = SegmentStore.Open(TinyDataset.Create(Folder("data22"), clips: 24));
        var refusedRun = new RunFolder(Path.Combine(scratch.Folder, "refused"));
        var training = Assert.Throws<InvalidDataException>(() => Trainer.Run(store22, refusedRun, new TrainingOptions { Model = "3^5@16000", MaxEpochs = 1 }, CPU));
        Assert.Equal($"{store22.Folder}: holds audio at 22050 Hz, but the model 3^5@16000 reads 16000 Hz; prepare a store at 16000 Hz or use a model at 22050 Hz", training.Message);
        Assert.False(refusedRun.WasStarted); // refused before the run folder records anything

        // A 22050-Hz run evaluated on a 16-kHz store.
        var run = new RunFolder(Path.Combine(scratch.Folder, "run22"));
        Trainer.Run(store22, run, new TrainingOptions { Model = "3^5", MaxEpochs = 1 }, CPU);
        var store16 = TinyDataset.Create(Folder("data16"), clips: 24, sampleRate: 16000);
        var evaluation = Assert.Throws<InvalidDataException>(() => RunEvaluation.Evaluate(run, new RunEvaluationOptions(Store: store16, BootstrapResamples: 10), CPU));
        Assert.Equal($"{store16}: holds audio at 16000 Hz, but the model 3^5 reads 22050 Hz; prepare a store at 22050 Hz or use a model at 16000 Hz", evaluation.Message);
    }

    [Fact]
    public void TagResamplesA22050HzFileToA16kHzModelsRate()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(Folder("model"), "3^4@16000");
        model.Dispose();
        var wav = Path.Combine(scratch.Folder, "tone.wav");
        WavWriter.WriteMono16(wav, Enumerable.Range(0, 22050).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * n / 22050))).ToArray(), 22050);

        using var session = TaggingSession.Open([wav], checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        Assert.Equal(16000, session.Model.SampleRate);
        var tagged = Assert.Single(session.Run());
        // One second is 16000 samples at the model's rate: 65 whole 243-sample segments (90 at 22050 Hz).
        Assert.Equal(16000 / 243, tagged.Segments);
        Assert.Equal(243.0 / 16000, tagged.SegmentSeconds, 12);
    }

    [Fact]
    public void VisualizeReadsFrequenciesAtTheModelsRate()
    {
        var peaks = new[] { "3^4", "3^4@16000" }.Select(spec =>
        {
            var (model, checkpoint) = TaggerTests.TinyModel(Folder(spec), spec); // the same seed: the same weights
            model.Dispose();
            return FilterVisualization.Run(checkpoint, new ModelOpenOptions(), "1", new AscentOptions(InputSamples: 243, Steps: 2), Folder(spec + "-pictures"), CPU)
                .Layers[0].PeakMedianHz;
        }).ToArray();
        Assert.True(peaks[0] > 0);
        Assert.Equal(16000.0 / 22050, peaks[1] / peaks[0], 9);
    }

    [Fact]
    public void CheckpointsAndConfigsFromBeforeRatesOpenAt22050Hz()
    {
        // A checkpoint as the first builds wrote it: the state's JSON names no rate (nor BatchNorm settings).
        var path = Path.Combine(scratch.Folder, "old.ckpt");
        using (var model = new TaggingCnn(ModelSpec.Parse("3^4"), 2))
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("samplecnn-checkpoint-1");
            writer.Write("""{ "model": "3^4", "tags": ["a", "b"], "dropout": 0.5, "epoch": 2, "stage": 0, "best_valid_loss": 0.4, "epochs_without_improvement": 0, "finished": null }""");
            model.save(writer);
            optim.SGD(model.parameters(), 0.01).save_state_dict(writer);
        }
        using (var opened = TrainedModel.Open(path, new ModelOpenOptions(), CPU))
        {
            Assert.Equal(22050, opened.Info.SampleRate);
            Assert.Equal(ModelSpec.DefaultSampleRate, opened.Cnn!.Spec.SampleRate);
        }

        var run = new RunFolder(Folder("old-run"));
        File.WriteAllText(run.Config, """{ "model": "3^5", "seed": 3 }""");
        Assert.Equal(22050, ModelSpec.Parse(run.ReadConfig().Model).SampleRate);
    }

    [Fact]
    public void PrepareAtARateKeepsThePapersClipDurationAndAResumeAtAnotherRateIsRefused()
    {
        Assert.Equal(new PrepareOptions(), PrepareOptions.At(22050));
        Assert.Equal(new PrepareOptions(16000, 464_771), PrepareOptions.At(16000)); // 29.05 s
        Assert.Equal(new PrepareOptions(16000, null, 2), PrepareOptions.At(16000, 0, 2));
        Assert.Equal(40_000, PrepareOptions.At(16000, 2.5).MaxClipSamples);
        var rate = Assert.Throws<OptionException>(() => PrepareOptions.At(100));
        Assert.Equal(nameof(PrepareOptions.SampleRate), rate.Option);

        var storeFolder = TinyDataset.Create(Folder("data"), clips: 6);
        var listing = CsvTags.Load(Path.Combine(scratch.Folder, "data", "tags.csv"), Path.Combine(scratch.Folder, "data", "audio"));
        var resumed = Assert.Throws<DatasetException>(() => StoreWriter.Prepare(listing, storeFolder, new PrepareOptions(16000, MaxClipSamples: null)));
        Assert.Equal($"{storeFolder}: holds a store prepared at 22050 Hz, not 16000 Hz; continue it at 22050 Hz, or use another folder", resumed.Message);
    }
}
