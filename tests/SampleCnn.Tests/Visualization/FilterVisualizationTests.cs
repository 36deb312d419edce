using SampleCnn.Models;
using SampleCnn.Training;
using SampleCnn.Visualization;
using SampleCnn.Tests.Audio;
using static SampleCnn.Tests.Cli.CliRunner;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Visualization;

public class FilterVisualizationTests
{
    static TaggingCnn TinyModel()
    {
        manual_seed(2);
        var model = new TaggingCnn(ModelSpec.Parse("3^4"), 4);
        model.eval();
        return model;
    }

    [Fact]
    public void AscentRaisesALiveFiltersMeanActivationStepAfterStep()
    {
        using var model = TinyModel();
        var result = FilterAscent.Run(model, 2, new AscentOptions(InputSamples: 243, Steps: 6), CPU);
        Assert.Equal(128, result.Filters);
        var live = Enumerable.Range(0, result.Filters).Where(f => result.Losses[f].Count == 6).ToList();
        Assert.True(live.Count > 100);
        // Unit steps on a normalised gradient can overshoot, so not every filter rises at every step; nearly all do.
        var rising = live.Count(f => result.Losses[f].Zip(result.Losses[f].Skip(1)).All(p => p.Second > p.First));
        Assert.True(rising >= 0.9 * live.Count, $"{rising} of {live.Count} live filters rose at every step");
        Assert.All(live, f => Assert.True(result.Losses[f][1] > result.Losses[f][0], $"filter {f}: the first step did not raise the loss"));
    }

    [Fact]
    public void DeadFiltersStopAtOnceAndAreReported()
    {
        using var model = TinyModel();
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name == "frontEnd.bn.bias") p[5] = tensor(-1000f);  // filter 5 of layer 1 never passes the ReLU
                else if (name == "frontEnd.bn.weight") p[5] = tensor(0f);
        var result = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243), CPU);
        Assert.Contains(5, result.Dead);
        Assert.Single(result.Losses[5]);
        Assert.True(result.Losses[5][0] <= 0);
    }

    [Fact]
    public void SpectraFindKnownPeaksAndSortByThem()
    {
        const int points = 729, rate = 22050;
        int[] bins = [50, 10, 200, 120];
        var signals = new float[bins.Length, points];
        for (int f = 0; f < bins.Length; f++)
            for (int n = 0; n < points; n++) signals[f, n] = 0.3f + (float)Math.Sin(2 * Math.PI * bins[f] * n / points); // the offset is removed
        var spectra = FilterSpectra.Of(signals, rate);
        Assert.Equal([1, 0, 3, 2], spectra.Order);
        Assert.Equal(new[] { 10, 50, 120, 200 }.Select(b => (double)b * rate / points), spectra.SortedPeakHz);
        Assert.Equal(365, spectra.Bins);
        // log10(1 + 10 |S|^2) at the peak: |S| = N/2 for a unit sine.
        Assert.Equal(Math.Log10(1 + 10 * Math.Pow(points / 2.0, 2)), spectra.Spectra[0][50], 6);
        Assert.True(spectra.Spectra[0][0] < 1e-6); // mean removed
    }

    [Fact]
    public void PeaksSpreadLikeAMelScaleFitItBetterThanALine()
    {
        const int points = 729;
        var melBins = Enumerable.Range(1, 40).Select(i => (int)Math.Round(SampleCnn.Audio.MelFilterbank.MelToHz(i * 95.0, SampleCnn.Audio.MelScale.Htk) * points / 22050)).ToArray();
        var signals = new float[melBins.Length, points];
        for (int f = 0; f < melBins.Length; f++)
            for (int n = 0; n < points; n++) signals[f, n] = (float)Math.Sin(2 * Math.PI * melBins[f] * n / points);
        var spectra = FilterSpectra.Of(signals, 22050);
        Assert.True(spectra.MelFitR2 > 0.99 && spectra.MelFitR2 > spectra.LinearFitR2, $"mel {spectra.MelFitR2}, linear {spectra.LinearFitR2}");
    }

    [Fact]
    public void TheVerbWritesEveryPictureAndCsv()
    {
        using var scratch = new Fixtures.Scratch();
        using var model = TinyModel();
        var checkpoint = Path.Combine(scratch.Folder, "tiny.ckpt");
        Checkpoint.Save(checkpoint, new TrainingState("3^4", ["a", "b", "c", "d"], 0.5, 1, 0, 0.5, 0, null), model, optim.SGD(model.parameters(), 0.01));
        var outDir = Path.Combine(scratch.Folder, "pictures");
        var (code, output, error) = Run("visualize", "--model", checkpoint, "--layers", "1-2", "--out", outDir, "--input-samples", "243", "--steps", "4");
        Assert.True(code == 0, error);
        Assert.Matches(@"layer 1: \d+/128 filters converged \(\d+ dead\), median peak \d+ Hz, sorted peaks fit a mel scale with R\^2 ", output);
        foreach (var (file, width, height) in new[] { ("layer1-spectra.png", 800, 600), ("layer1-responses.png", 800, 600), ("layer2-spectra.png", 800, 600), ("layer2-waveforms.png", 900, 740) })
        {
            var png = File.ReadAllBytes(Path.Combine(outDir, file));
            Assert.Equal((width, height), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        }
        Assert.Equal(1 + 128, File.ReadAllLines(Path.Combine(outDir, "layer2-peaks.csv")).Length);
        (code, _, error) = Run("visualize", "--model", checkpoint, "--layers", "1-9", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("this model has layers 1-5", error);
    }
}
