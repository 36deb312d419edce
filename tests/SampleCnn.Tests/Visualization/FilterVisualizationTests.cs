using SampleCnn.Audio.Signal;
using SampleCnn.Models;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Visualization;
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
        var result = FilterAscent.Run(model, 2, new AscentOptions(InputSamples: 243, Steps: 6, BatchNorm: AscentBatchNorm.Eval), CPU);
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
        var result = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243, Steps: 4), CPU);
        Assert.Contains(5, result.Dead);
        Assert.Single(result.Losses[5]);
        Assert.True(result.Losses[5][0] <= 0);
    }

    /// <summary>Every parameter and buffer (running mean and variance, batches tracked) as raw bytes.</summary>
    static Dictionary<string, byte[]> StateBytes(TaggingCnn model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().cpu().bytes.ToArray());

    /// <summary>Layer 1's running means so far above anything the noise start produces that in eval mode every filter is dead.</summary>
    static void ShiftRunningMeans(TaggingCnn model)
    {
        using (no_grad())
            foreach (var (name, buffer) in model.named_buffers())
                if (name == "frontEnd.bn.running_mean") buffer.fill_(1000f);
    }

    [Fact]
    public void AscentNormalisesWithEachInputsOwnStatisticsByDefault()
    {
        using var model = TinyModel();
        ShiftRunningMeans(model);
        var byDefault = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243, Steps: 2), CPU);
        // The running statistics play no part: with each input's own, a channel's pre-ReLU mean is its BatchNorm bias (0 here), so every filter is alive.
        Assert.Empty(byDefault.Dead);
        Assert.All(Enumerable.Range(0, byDefault.Filters), f => Assert.Equal(2, byDefault.Losses[f].Count));
        var eval = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243, Steps: 2, BatchNorm: AscentBatchNorm.Eval), CPU);
        Assert.Equal(128, eval.Dead.Count());
    }

    [Fact]
    public void WithRunningStatisticsTheAscentDriftsToAThirdOfTheRateWithEachInputsItDoesNot()
    {
        // After a stride-3 first layer a period-3 input (an offset plus a tone at a third of the sample rate) gives a
        // constant output per channel. With the running statistics that constant raises a filter's mean, so the ascent
        // pushes it, and once the mean is removed its spectrum peaks at 7350 Hz; each input's own statistics cancel it.
        using var model = TinyModel();
        int AtAThird(AscentResult r) => FilterSpectra.OfInputs(r.Inputs, 22050).SortedPeakHz.Count(hz => hz == 7350);
        var eval = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243, BatchNorm: AscentBatchNorm.Eval), CPU);
        Assert.True(AtAThird(eval) >= 32, $"eval statistics: {AtAThird(eval)} of 128 filters peak at 7350 Hz");
        var input = FilterAscent.Run(model, 1, new AscentOptions(InputSamples: 243), CPU);
        Assert.Equal(0, AtAThird(input));
        Assert.All(Enumerable.Range(0, input.Filters), f => Assert.True(input.Losses[f].Count == 18 && input.Losses[f][^1] > input.Losses[f][0], $"filter {f}"));
    }

    [Fact]
    public void WithEachInputsStatisticsAnOffsetIsInvisibleToTheFilters()
    {
        using var model = TinyModel();
        manual_seed(5);
        using var x = randn(3, 1, 243) * 0.01f;
        using var shifted = x + 0.5f;
        foreach (var layer in new[] { 1, 2, 3 })
        {
            using (BatchNormStatistics.FromEachInput())
            {
                using var a = model.Activation(x, layer);
                using var b = model.Activation(shifted, layer);
                Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-4), $"layer {layer}: an offset changed the activation");
            }
            using var evalA = model.Activation(x, layer);
            using var evalB = model.Activation(shifted, layer);
            Assert.False(evalA.allclose(evalB, rtol: 1e-4, atol: 1e-4), $"layer {layer}: in eval mode an offset should show");
        }
    }

    [Fact]
    public void AscentLeavesEveryParameterAndRunningStatisticBitIdentical()
    {
        using var model = TinyModel();
        // Statistics a few training batches left, so the check is not against BatchNorm's initial 0 and 1.
        model.train();
        manual_seed(3);
        using (no_grad())
            for (int i = 0; i < 3; i++) model.forward(randn(4, 1, 243)).Dispose();
        model.eval();
        var before = StateBytes(model);
        Assert.Contains("frontEnd.bn.num_batches_tracked", before.Keys);
        foreach (var mode in new[] { AscentBatchNorm.Input, AscentBatchNorm.Eval })
            for (int layer = 1; layer <= 3; layer++) FilterAscent.Run(model, layer, new AscentOptions(InputSamples: 243, Steps: 3, BatchNorm: mode), CPU);
        var after = StateBytes(model);
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before, p => Assert.True(p.Value.AsSpan().SequenceEqual(after[p.Key]), $"{p.Key} changed"));
    }

    [Fact]
    public void InputStatisticsNeedTwoTimeStepsAtTheLayer()
    {
        using var model = TinyModel();
        // 81 samples: layer 5 of a 3^4 model has one time step.
        var error = Assert.Throws<ArgumentException>(() => FilterAscent.Run(model, 5, new AscentOptions(InputSamples: 81, Steps: 2), CPU));
        Assert.Contains("layer 5 has 1 time step for a 81-sample input", error.Message);
        FilterAscent.Run(model, 5, new AscentOptions(InputSamples: 81, Steps: 2, BatchNorm: AscentBatchNorm.Eval), CPU);
    }

    [Fact]
    public void SpectraAreLibrosasCentredHannStftOfTheInput()
    {
        // Values from numpy/scipy the way librosa 0.5's stft computes them (x - mean, np.pad(reflect, n_fft // 2),
        // get_window('hann', n_fft, fftbins=True), frames of n_fft at hop n_fft, rfft), then log10(1 + 10 |S|^2)
        // averaged over the frames: one frame for 729 samples, two for 512.
        foreach (var (points, expected) in new (int, (int Bin, double Value)[])[]
        {
            (729, [(0, 3.6516817982773504), (1, 3.0979047787345135), (10, 2.636720374242531), (36, 5.139571633892167),
                   (37, 4.412594023259409), (38, 4.9760783852855255), (100, 1.089169628413671), (364, 0.10152395017128518)]),
            (512, [(0, 3.3791403233560295), (1, 2.910784364630225), (10, 1.4973597868353223), (36, 4.306716733169678),
                   (37, 4.610769191942028), (38, 4.839869989781629), (100, 0.455956141932986), (256, 0.09669301187341832)]),
        })
        {
            var signal = new float[1, points];
            for (int n = 0; n < points; n++) signal[0, n] = (float)(Math.Sin(2 * Math.PI * 37.3 * n / points) + 0.2 * n / points + 0.1);
            var spectra = FilterSpectra.OfInputs(signal, 22050);
            Assert.Equal(points / 2 + 1, spectra.Spectra[0].Length);
            foreach (var (bin, value) in expected) Assert.Equal(value, spectra.Spectra[0][bin], 9);
        }
    }

    [Fact]
    public void SpectraFindKnownPeaksAndSortByThem()
    {
        const int points = 729, rate = 22050;
        int[] bins = [50, 10, 200, 120];
        var signals = new float[bins.Length, points];
        for (int f = 0; f < bins.Length; f++)
            for (int n = 0; n < points; n++) signals[f, n] = 0.3f + (float)Math.Cos(2 * Math.PI * bins[f] * n / points); // the offset is removed
        var spectra = FilterSpectra.OfInputs(signals, rate);
        Assert.Equal([1, 0, 3, 2], spectra.Order);
        Assert.Equal(new[] { 10, 50, 120, 200 }.Select(b => (double)b * rate / points), spectra.SortedPeakHz);
        Assert.Equal(365, spectra.Bins);
        // The centred frame of a cosine is a cosine; under a periodic Hann window |S| = N/4 at its bin, N/8 beside it.
        Assert.Equal(Math.Log10(1 + 10 * Math.Pow(points / 4.0, 2)), spectra.Spectra[0][50], 6);
        Assert.Equal(Math.Log10(1 + 10 * Math.Pow(points / 8.0, 2)), spectra.Spectra[0][51], 6);
        Assert.True(spectra.Spectra[0][0] < 1e-6 && spectra.Spectra[0][53] < 1e-6);
    }

    [Fact]
    public void ResponsesAreTheZeroPaddedTapsSpectra()
    {
        var taps = new float[,] { { 1, 1, 1 }, { 1, -1, 1 } };
        var responses = FilterSpectra.OfResponses(taps, 22050, 729);
        // |1 + e^-jw + e^-2jw| = |1 + 2 cos w|: 3 at DC; 1 - 1 + 1 alternating-sign taps peak at the top bin.
        Assert.Equal(Math.Log10(1 + 10 * 9.0), responses.Spectra[0][0], 9);
        double w = 2 * Math.PI * 100 / 729;
        Assert.Equal(Math.Log10(1 + 10 * Math.Pow(1 + 2 * Math.Cos(w), 2)), responses.Spectra[0][100], 9);
        Assert.Equal([0, 1], responses.Order);
        Assert.Equal(364 * 22050.0 / 729, responses.SortedPeakHz[1]);
    }

    [Fact]
    public void PeaksSpreadLikeAMelScaleFitItBetterThanALine()
    {
        const int points = 729;
        var melBins = Enumerable.Range(1, 40).Select(i => (int)Math.Round(MelFilterbank.MelToHz(i * 95.0, MelScale.Htk) * points / 22050)).ToArray();
        var signals = new float[melBins.Length, points];
        for (int f = 0; f < melBins.Length; f++)
            for (int n = 0; n < points; n++) signals[f, n] = (float)Math.Cos(2 * Math.PI * melBins[f] * n / points);
        var spectra = FilterSpectra.OfInputs(signals, 22050);
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
        Assert.Matches(@"layer 1: \d+/128 filters converged \(\d+ dead\), peaks at \d+ / \d+ / \d+ Hz \(quartiles\), sorted peaks fit a mel scale with R\^2 ", output);
        Assert.Contains("BatchNorm with each input's own statistics", output);
        foreach (var (file, width, height) in new[] { ("layer1-spectra.png", 800, 600), ("layer1-responses.png", 800, 600), ("layer2-spectra.png", 800, 600), ("layer2-waveforms.png", 900, 740) })
        {
            var png = File.ReadAllBytes(Path.Combine(outDir, file));
            Assert.Equal((width, height), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        }
        Assert.Equal(1 + 128, File.ReadAllLines(Path.Combine(outDir, "layer2-peaks.csv")).Length);
        (code, _, error) = Run("visualize", "--model", checkpoint, "--layers", "1-9", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("this model has layers 1-5", error);
        (code, output, error) = Run("visualize", "--model", checkpoint, "--layers", "1", "--out", outDir, "--input-samples", "243", "--steps", "2", "--batchnorm", "eval");
        Assert.True(code == 0, error);
        Assert.Contains("BatchNorm with the running statistics", output);
        (code, _, error) = Run("visualize", "--model", checkpoint, "--out", outDir, "--batchnorm", "train");
        Assert.NotEqual(0, code);
        Assert.Contains("--batchnorm 'train': expected input or eval", error);
    }
}
