using SampleCnn.Inference;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using SampleCnn.Visualization;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Visualization;

/// <summary>`visualize`'s library entry point: the layers chosen by meaning, each layer's summary and files, its progress in order.</summary>
public sealed class FilterVisualizationRunTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void LayersOutsideTheModelOrNotARangeAreRefusedByMeaning()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var folder = Path.Combine(scratch.Folder, "pictures");
        var outside = Assert.Throws<ArgumentException>(() => FilterVisualization.Run(checkpoint, new ModelOpenOptions(), "9", new AscentOptions(), folder, CPU));
        Assert.Equal("layers '9': this model has layers 1-5", outside.Message);
        var garbled = Assert.Throws<ArgumentException>(() => FilterVisualization.Run(checkpoint, new ModelOpenOptions(), "1-x", new AscentOptions(), folder, CPU));
        Assert.Equal("layers '1-x': expected a range like 1-6 or a list like 1,3,5", garbled.Message);
        Assert.False(Directory.Exists(folder)); // nothing written before the layers are known good
    }

    [Fact]
    public void EachLayerGivesItsSummaryFilesAndProgress()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var folder = Path.Combine(scratch.Folder, "pictures");
        var steps = new List<AscentStep>();
        var result = FilterVisualization.Run(checkpoint, new ModelOpenOptions(), "2,1", new AscentOptions(InputSamples: 243, Steps: 2), folder, CPU,
            new Recorder(steps.Add));

        Assert.Equal("3^4", result.Model.Spec);
        Assert.Equal([1, 2], result.Layers.Select(l => l.Layer));
        Assert.Equal(["layer1-spectra.png", "layer1-waveforms.png", "layer1-peaks.csv", "layer1-responses.png"], result.Layers[0].Files.Select(Path.GetFileName));
        Assert.Equal(3, result.Layers[1].Files.Count);
        Assert.All(result.Files, f => Assert.True(File.Exists(f), f));
        Assert.All(result.Layers, l => Assert.Equal(l.Filters, l.Converged + l.Dead));
        Assert.All(result.Layers, l => Assert.True(l.PeakLowQuartileHz <= l.PeakMedianHz && l.PeakMedianHz <= l.PeakHighQuartileHz));
        // Each layer starts at step 0 and ends at the last step, in order.
        Assert.Equal((1, 0), (steps[0].Layer, steps[0].Step));
        Assert.Equal((2, 2), (steps[^1].Layer, steps[^1].Step));
        Assert.Equal(steps.OrderBy(s => s.Layer).ThenBy(s => s.Step), steps);
    }

    sealed class Recorder(Action<AscentStep> report) : IProgress<AscentStep>
    {
        public void Report(AscentStep value) => report(value);
    }
}
