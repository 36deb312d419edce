using SampleCnn.Audio.Signal;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Models;

public class TaggingCnnTests
{
    [Fact]
    public void LayerTableOf3To9MatchesThePaper()
    {
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        var summary = ModelSummary.Of(model);
        var rows = summary.Rows;

        Assert.Equal(new long[] { 19683, 6561, 2187, 729, 243, 81, 27, 9, 3, 1 }, rows.Take(10).Select(r => r.Length));
        Assert.Equal(new long[] { 128, 128, 128, 256, 256, 256, 256, 256, 256, 512 }, rows.Take(10).Select(r => r.Channels));
        // PAPER.md's per-layer conv/dense parameters (weights + biases); BatchNorm adds 2 per channel.
        var convAndDense = new long[] { 512, 49280, 49280, 98560, 196864, 196864, 196864, 196864, 196864, 393728, 262656, 0, 25650 };
        var batchNorm = rows.Select(r => r.Layer is "dropout" or "dense" ? 0 : 2 * r.Channels);
        Assert.Equal(convAndDense, rows.Zip(batchNorm, (r, bn) => r.Parameters - bn));
        Assert.Equal(1_869_874, summary.Parameters);
        Assert.Equal(summary.Parameters, rows.Sum(r => r.Parameters));
        Assert.Equal(1_728_067_712, summary.MultiplyAccumulates);
    }

    [Theory]
    [InlineData("3^9")]
    [InlineData("2^14")]
    [InlineData("4^7")]
    [InlineData("5^6")]
    [InlineData("frame:729")]
    [InlineData("frame:81")]
    [InlineData("mel:729")]
    [InlineData("mel:243")]
    [InlineData("mel:1458/729")]
    [InlineData("se:3^9")]
    [InlineData("rese2-multi:3^9")]
    [InlineData("se-multi:2^14")]
    [InlineData("won-sample")]
    [InlineData("won-se")]
    [InlineData("clmr")]
    [InlineData("rese2-won:2^14+last3")]
    public void EveryLayerProducesTheShapeItsTableRowStates(string text)
    {
        var spec = ModelSpec.Parse(text);
        using var model = new TaggingCnn(spec, tags: 7);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 1, spec.InputSamples);

        var outputs = model.LayerOutputs(x);
        var rows = model.LayerTable();
        Assert.Equal(spec.Modules + 1, outputs.Count);
        for (int i = 0; i < outputs.Count; i++)
            Assert.Equal(new[] { 2, rows[i].Channels, rows[i].Length }, outputs[i].shape);
        Assert.Equal(1, rows[spec.Modules].Length);

        var scores = model.forward(x);
        Assert.Equal(new long[] { 2, 7 }, scores.shape);
        Assert.Equal(7, rows[^1].Channels);
        Assert.True(scores.ge(0).all().item<bool>() && scores.le(1).all().item<bool>());
        Assert.Equal(model.parameters().Sum(p => p.numel()), rows.Sum(r => r.Parameters));
    }

    [Theory]
    [InlineData("3^6")]
    [InlineData("won-se")]
    [InlineData("rese2-multi:3^9")]
    public void PenultimateIsWhatTheDenseLayerReads(string text)
    {
        var spec = ModelSpec.Parse(text);
        using var model = new TaggingCnn(spec, tags: 5);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(3, 1, spec.InputSamples);

        var features = model.Penultimate(x);
        var dense = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var logits = features.matmul(dense["head.dense.weight"].t()) + dense["head.dense.bias"];
        Assert.Equal(new long[] { 3, 512 }, features.shape);
        Assert.True(logits.allclose(model.Logits(x), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void MultiLevelHeadConcatenatesTheLastThreeModules()
    {
        using var model = new TaggingCnn(ModelSpec.Parse("rese2-multi:3^9"), 50);
        var aggregate = model.LayerTable().Single(r => r.Layer == "aggregate");
        Assert.Equal(256 + 256 + 512, aggregate.Channels);
    }

    [Fact]
    public void WeightsAreHeUniformAndBiasesZero()
    {
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("conv.weight") || name.EndsWith("dense.weight"))
            {
                var fanIn = p.numel() / p.shape[0];
                var bound = Math.Sqrt(6.0 / fanIn);
                Assert.True(p.abs().max().item<float>() <= bound + 1e-6, name);
                if (p.numel() > 10_000) // uniform(-b, b) has standard deviation b / sqrt(3)
                    Assert.InRange(p.std().item<float>(), 0.97 * bound / Math.Sqrt(3), 1.03 * bound / Math.Sqrt(3));
            }
            else if (name.EndsWith("conv.bias") || name.EndsWith("dense.bias"))
                Assert.Equal(0f, p.abs().max().item<float>());
        }
    }

    [Fact]
    public void SqueezeExciteGatesEachChannelBySigmoid()
    {
        using var se = new SqueezeExcite(32);
        using (no_grad())
            foreach (var p in se.parameters()) p.zero_();
        using var x = randn(3, 32, 10);
        using var y = se.forward(x);
        // Zero weights make every gate sigmoid(0) = 0.5.
        Assert.True(allclose(y, x * 0.5));
    }

    [Fact]
    public void ReSe2AddsItsInputBeforeTheReLU()
    {
        using var block = new ReSe2Module(16, 16, 3);
        block.eval();
        using var noGrad = no_grad();
        // With the second BatchNorm zeroed the residual branch gives nothing, leaving pool(relu(input)).
        foreach (var (name, p) in block.named_parameters())
            if (name.StartsWith("bn2.")) p.zero_();
        using var x = randn(2, 16, 27);
        using var y = block.forward(x);
        using var expected = nn.functional.max_pool1d(nn.functional.relu(x), 3);
        Assert.True(allclose(y, expected, atol: 1e-6));
    }

    [Fact]
    public void ReSe2ProjectsTheShortcutWhenChannelsChange()
    {
        using var block = new ReSe2Module(16, 32, 3);
        block.eval();
        using var noGrad = no_grad();
        using var x = randn(2, 16, 27);
        foreach (var (name, p) in block.named_parameters())
            if (name.StartsWith("bn2.")) p.zero_();
        using var shortcutOnly = block.forward(x);
        Assert.True(shortcutOnly.gt(0).any().item<bool>());
        foreach (var (name, p) in block.named_parameters())
            if (name.StartsWith("projectBn.")) p.zero_();
        using var nothing = block.forward(x);
        Assert.Equal(0f, nothing.abs().max().item<float>());
    }

    [Fact]
    public void MelFrontEndPlacesEnergyInTheRightFrameAndBand()
    {
        const int window = 729, frames = 81, sampleRate = ModelSpec.DefaultSampleRate;
        using var front = new MelFrontEnd(window, window, ModelSpec.MelBins, sampleRate);
        front.eval();
        using var noGrad = no_grad();

        // A 1 kHz tone only inside frame 5: the map lights up there, in the band around 1 kHz.
        var samples = new float[window * frames];
        for (int i = 5 * window; i < 6 * window; i++) samples[i] = (float)Math.Sin(2 * Math.PI * 1000 * i / sampleRate);
        using var map = front.forward(tensor(samples).reshape(1, 1, -1));
        Assert.Equal(new long[] { 1, ModelSpec.MelBins, frames }, map.shape);

        using var perFrame = map[0].sum([0L]);
        Assert.Equal(5, perFrame.argmax().item<long>());
        Assert.True(perFrame[4].item<float>() < 1e-3 && perFrame[6].item<float>() < 1e-3);
        var band = map[0, .., 5].argmax().item<long>();
        var bandCentres = Enumerable.Range(1, ModelSpec.MelBins).Select(i =>
            MelFilterbank.MelToHz(i * MelFilterbank.HzToMel(sampleRate / 2.0, MelScale.Slaney) / (ModelSpec.MelBins + 1), MelScale.Slaney)).ToArray();
        Assert.InRange(bandCentres[band], 900, 1100);
    }

    [Fact]
    public void PublishedModelsHaveTheirLayoutsParameters()
    {
        // won-sample differs from 3^9 in layer 1's padding only; clmr's last conv has 3 taps; won-se as Won et al.'s
        // layers: per block conv_1, conv_2, dense1/dense2 C x C, conv_3 where the stride or channels change, plus the head.
        static long Count(string spec) { using var model = new TaggingCnn(ModelSpec.Parse(spec), 50); return model.Count(); }
        Assert.Equal(Count("3^9"), Count("won-sample"));
        Assert.Equal(Count("3^9") + 512 * 512 * 2, Count("clmr"));
        static long Block(long cin, long cout, long k, bool project) =>
            cin * cout * k + cout + 2 * cout + cout * cout * k + cout + 2 * cout + 2 * (cout * cout + cout) + (project ? cin * cout * k + cout + 2 * cout : 0);
        long[] channels = [1, 128, 128, 128, 256, 256, 256, 256, 256, 256, 512, 512];
        long body = Enumerable.Range(0, 11).Sum(i => Block(channels[i], channels[i + 1], i == 10 ? 1 : 3, i == 0 || channels[i] != channels[i + 1]));
        Assert.Equal(body + 512 * 512 + 512 + 2 * 512 + 50 * 512 + 50, Count("won-se"));
    }

    [Fact]
    public void FirstLayerPaddingShiftsLayerOneByOneSample()
    {
        using var plain = new TaggingCnn(ModelSpec.Parse("3^4"), 2);
        using var padded = new TaggingCnn(ModelSpec.Parse("3^4+pad1"), 2);
        padded.load_state_dict(plain.state_dict());
        plain.eval();
        padded.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(1, 1, 243);
        var shifted = nn.functional.pad(x, [1, 0])[.., .., ..243]; // sample t-1 at position t
        var expected = plain.LayerOutputs(shifted)[0];
        var found = padded.LayerOutputs(x)[0];
        Assert.Equal(expected.shape, found.shape);
        Assert.True(found.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Theory]
    [InlineData("won-sample")]
    [InlineData("clmr")]
    [InlineData("won-se")]
    public void FoldingBatchNormKeepsThePublishedModelsScores(string text)
    {
        manual_seed(2);
        using var model = new TaggingCnn(ModelSpec.Parse(text), 5);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.train();
        model.forward(randn(4, 1, 59049) * 0.3); // running statistics away from 0 and 1
        model.eval();
        var x = randn(2, 1, 59049) * 0.3;
        var before = model.forward(x);
        model.FoldBatchNorm();
        Assert.True(model.forward(x).allclose(before, rtol: 1e-4, atol: 1e-5));
    }
}
