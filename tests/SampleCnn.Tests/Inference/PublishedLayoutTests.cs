using SampleCnn.Inference;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Inference;

/// <summary>
/// Each published checkpoint's layout, built in PyTorch from the facts sheet (bench/published_reference.py) with random
/// weights and BatchNorm statistics, opens through <see cref="TrainedModel"/> and scores real music as PyTorch does:
/// `tag` decodes the fixture (Fixtures/Music, made by its make.sh) and resamples it to the layout's rate, and its
/// first segment's scores equal PyTorch's on those same samples within 1e-4.
/// </summary>
public sealed class PublishedLayoutTests : IDisposable
{
    const double Tolerance = 1e-4;

    private readonly Audio.Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    string TagsFile(int count) => scratch.Write("tags.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, count).Select(i => $"tag{i}")) + "\n"));

    static readonly string Music = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Music", "frontiers-4s-22k.mp3");

    /// <summary>The fixture's first segment as SampleCnn decodes and resamples it for a model of this rate.</summary>
    static float[] FirstSegment(int sampleRate) => SampleCnn.Audio.Decoding.AudioReader.Load(Music, sampleRate, SegmentSamples).Samples;

    const int SegmentSamples = 59049;

    /// <summary>What `tag` scores the fixture's first segment with the model in this file.</summary>
    static float[] Tagged(string model, ModelOpenOptions options)
    {
        using var session = SampleCnn.Tagging.TaggingSession.Open([Music], model, options, new SampleCnn.Tagging.TaggerOptions(), null, CPU);
        var result = session.Run().Single();
        Assert.Null(result.Error);
        return result.SegmentScores[..session.Tags.Count];
    }

    static float[] Scores(nn.IModule<Tensor, Tensor> network, float[] input)
    {
        using var x = tensor(input).view(1, 1, -1);
        using var _ = inference_mode();
        using var output = network.call(x);
        return output.data<float>().ToArray();
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"largest difference {worst} > {Tolerance}");
    }

    [PyTorchFact]
    public void WonSampleScoresAsPyTorchWithTheMtatTagsAt16kHz()
    {
        var pth = Path.Combine(scratch.Folder, "best_model.pth");
        var input = FirstSegment(16000);
        var expected = PyTorchReference.Published("won-sample", pth, 50, input);
        using var opened = TrainedModel.Open(pth, new ModelOpenOptions(), CPU);
        Assert.Equal(new ModelInfo(ModelKind.StateDict, pth, "won-sample", 50, 59049, null, 16000, WeightsLayout.WonSample), opened.Info);
        Assert.Equal(16000, opened.Info.SampleRate);
        Assert.Equal($"{pth}: Won et al. 2020 SampleCNN (sample) state_dict, won-sample, 50 tags, 16000 Hz", opened.Info.Description);
        Assert.Equal(PublishedTags.Mtat, opened.Tags);
        Assert.Equal(["guitar", "classical", "slow"], opened.Tags.Take(3));
        AssertClose(expected, Tagged(pth, new ModelOpenOptions()));

        // The first layer's padding matters: the same weights without it score otherwise (by 7.5e-4 here).
        using var unpadded = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        unpadded.load_state_dict(opened.Cnn!.state_dict());
        unpadded.eval();
        var gap = expected.Zip(Scores(unpadded, input), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(gap > 5 * Tolerance, $"unpadded differs by {gap}");
    }

    [PyTorchFact]
    public void WonSeScoresAsPyTorchAndTakesTheJamendoListSorted()
    {
        // Saved as Won et al.'s torch 1.2 saved theirs: PyTorch's legacy format, before its zip archives.
        var pth = Path.Combine(scratch.Folder, "se.pth");
        var expected = PyTorchReference.Published("won-se", pth, 50, FirstSegment(16000), legacy: true);
        Assert.Equal(LegacyPyTorchFile.PickleStart, File.ReadAllBytes(pth)[0]);
        using var opened = TrainedModel.Open(pth, new ModelOpenOptions(TagsFile: "jamendo"), CPU);
        Assert.Equal((WeightsLayout.WonSe, "won-se", 16000), (opened.Info.Layout, opened.Info.Spec, opened.Info.SampleRate));
        Assert.Equal(["genre---alternative", "genre---ambient", "genre---atmospheric"], opened.Tags.Take(3));
        Assert.Equal("mood/theme---relaxing", opened.Tags[^1]);
        AssertClose(expected, Tagged(pth, new ModelOpenOptions(TagsFile: "jamendo")));

        foreach (var length in new[] { 3000, 200_000 }) // cut inside the pickles, and inside the storages
        {
            var cut = scratch.Write($"cut-{length}.pth", File.ReadAllBytes(pth)[..length]);
            var error = Assert.Throws<InvalidDataException>(() => TrainedModel.Open(cut, new ModelOpenOptions(), CPU));
            Assert.StartsWith($"{cut}: not a PyTorch state_dict (", error.Message);
        }
    }

    [PyTorchFact]
    public void ClmrScoresItsLogitsSigmoidAsPyTorchWithItsTagsFile()
    {
        var pth = Path.Combine(scratch.Folder, "clmr.pth");
        var expected = PyTorchReference.Published("clmr", pth, 10, FirstSegment(22050));
        var bare = Assert.Throws<ArgumentException>(() => TrainedModel.Open(pth, new ModelOpenOptions(), CPU));
        Assert.Equal($"{pth}: clmr weights with 10 outputs carry no tags; give a tags file", bare.Message);

        using var opened = TrainedModel.Open(pth, new ModelOpenOptions(TagsFile: TagsFile(10)), CPU);
        Assert.Equal((WeightsLayout.Clmr, "clmr", 22050, 10), (opened.Info.Layout, opened.Info.Spec, opened.Info.SampleRate, opened.Info.TagCount));
        AssertClose(expected, Tagged(pth, new ModelOpenOptions(TagsFile: TagsFile(10))));

        // export takes the tags a CLMR file lacks; what it writes opens with the spec it names and scores the same.
        var exported = Path.Combine(scratch.Folder, "clmr-ours.pth");
        var (code, output, error) = Cli.CliRunner.Run("export", "--model", pth, "--tags", TagsFile(10), "--pytorch", exported);
        Assert.True(code == 0, error);
        Assert.StartsWith($"wrote {exported}: clmr with 10 tags at 22050 Hz. It holds weights only: open it with --spec clmr", output);
        AssertClose(expected, Tagged(exported, new ModelOpenOptions(Spec: "clmr", TagsFile: TagsFile(10))));
        (code, output, _) = Cli.CliRunner.Run("inspect-model", "--model", exported, "--spec", "clmr", "--tags", TagsFile(10));
        Assert.Equal(0, code);
        Assert.Contains("clmr = 3^9+last3", output);
    }

    [PyTorchFact]
    public void AClmrLightningCheckpointOpensAsItsEncoder()
    {
        var ckpt = Path.Combine(scratch.Folder, "epoch=3.ckpt"); // Lightning's extension, which our own checkpoints share
        var expected = PyTorchReference.Published("clmr-lightning", ckpt, 8, FirstSegment(22050));
        using var opened = TrainedModel.Open(ckpt, new ModelOpenOptions(TagsFile: TagsFile(8)), CPU);
        Assert.Equal((WeightsLayout.ClmrLightning, "clmr", 8), (opened.Info.Layout, opened.Info.Spec, opened.Info.TagCount));
        AssertClose(expected, Tagged(ckpt, new ModelOpenOptions(TagsFile: TagsFile(8))));
    }
}
