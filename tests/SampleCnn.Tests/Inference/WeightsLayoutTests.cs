using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Training;
using TorchSharp.PyBridge;
using static SampleCnn.Tests.Cli.CliRunner;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Inference;

/// <summary>
/// Layout detection and key mapping, with files written here under each layout's keys (no PyTorch needed), and the
/// wrong files refused in one line naming the problem.
/// </summary>
public sealed class WeightsLayoutTests : IDisposable
{
    private readonly Audio.Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    /// <summary>The model's weights saved under the layout's keys, each passed through <paramref name="edit"/> (null drops it).</summary>
    string Save(WeightsLayout layout, TaggingCnn model, string name, Func<string, Tensor, Tensor?>? edit = null)
    {
        var weights = new Dictionary<string, Tensor>();
        foreach (var (key, value) in model.state_dict())
        {
            var theirs = layout.TheirKey(key);
            if ((edit is null ? value : edit(theirs, value)) is { } kept) weights[theirs] = kept;
        }
        var path = Path.Combine(scratch.Folder, name);
        using var file = File.Create(path);
        PyTorchPickler.PickleStateDict(file, weights);
        return path;
    }

    static TaggingCnn Model(string spec, int tags)
    {
        manual_seed(5);
        var model = new TaggingCnn(ModelSpec.Parse(spec), tags);
        model.eval();
        return model;
    }

    static float[] Scores(nn.IModule<Tensor, Tensor> network)
    {
        manual_seed(3);
        using var input = randn(1, 1, 59049) * 0.3;
        using var _ = inference_mode();
        using var output = network.call(input);
        return output.data<float>().ToArray();
    }

    [Theory]
    [InlineData("won-sample", "layer1.conv.weight", "layer11.bn.running_var", "dense.bias")]
    [InlineData("won-se", "layer1.conv_3.weight", "layer4.bn_3.bias", "layer10.dense2.weight")]
    [InlineData("clmr", "sequential.0.0.weight", "sequential.10.0.weight", "fc.weight")]
    public void EachLayoutIsRecognisedFromItsKeysAndScoresAsTheModelItWasWrittenFrom(string name, params string[] keys)
    {
        var layout = WeightsLayout.All.Single(l => l.Name == name);
        using var source = Model(name, 50);
        var pth = Save(layout, source, name + ".pth");
        using (var file = File.OpenRead(pth))
        {
            var written = PyTorchUnpickler.UnpickleStateDict(file);
            Assert.All(keys, k => Assert.True(written.ContainsKey(k), k));
        }

        using var opened = TrainedModel.Open(pth, new ModelOpenOptions(TagsFile: "mtat"), CPU);
        Assert.Equal((layout, name, 50), (opened.Info.Layout, opened.Info.Spec, opened.Info.TagCount));
        Assert.Equal(Scores(source), Scores(opened.Network));
    }

    [Fact]
    public void APublishedFileOpensAsItsOwnModelOnly()
    {
        using var source = Model("won-sample", 50);
        var pth = Save(WeightsLayout.WonSample, source, "best_model.pth");

        using var same = new TaggingCnn(ModelSpec.Parse("won-sample"), 50);
        InitialWeights.Load(pth, same, PublishedTags.Mtat);
        same.eval();
        Assert.Equal(Scores(source), Scores(same));

        // Their 50 tags in a store's order, spelled as MTAT's columns: every weight, the outputs put in that order.
        var storeOrder = PublishedTags.Mtat.Select(t => t == "noVocals" ? "no vocals" : t).Reverse().ToArray();
        using var reordered = new TaggingCnn(ModelSpec.Parse("won-sample"), 50);
        InitialWeights.Load(pth, reordered, storeOrder);
        reordered.eval();
        Assert.True(Scores(source).Reverse().Zip(Scores(reordered), (e, a) => Math.Abs(e - a)).Max() < 1e-6); // rows' sums reordered
        // 50 other tags: the body only.
        using var renamed = new TaggingCnn(ModelSpec.Parse("won-sample"), 50);
        var initialHead = renamed.state_dict()["head.dense.weight"].clone();
        InitialWeights.Load(pth, renamed, Enumerable.Range(1, 50).Select(i => $"mine{i}").ToArray());
        Assert.True(renamed.state_dict()["head.dense.weight"].allclose(initialHead, 0, 0));
        Assert.True(renamed.state_dict()["frontEnd.conv.weight"].allclose(source.state_dict()["frontEnd.conv.weight"], 0, 0));

        using var other = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(pth, other, new string[50]));
        Assert.Equal($"{pth}: holds Won et al. 2020 SampleCNN (sample) weights, a won-sample model, not 3^9", error.Message);
        var given = Assert.Throws<InvalidDataException>(() => TrainedModel.Open(pth, new ModelOpenOptions(Spec: "3^9"), CPU));
        Assert.Equal($"{pth}: holds Won et al. 2020 SampleCNN (sample) weights, a won-sample model, not 3^9", given.Message);
        // Fine-tuning onto other tags: the body is theirs, the head new.
        using var fewer = new TaggingCnn(ModelSpec.Parse("won-sample"), 10);
        InitialWeights.Load(pth, fewer, new string[10]);
        Assert.True(fewer.state_dict()["frontEnd.conv.weight"].eq(source.state_dict()["frontEnd.conv.weight"]).all().item<bool>());
    }

    [Fact]
    public void InspectModelShowsLayoutSpecTagsRateAndSize()
    {
        using var source = Model("won-se", 50);
        var pth = Save(WeightsLayout.WonSe, source, "se.pth");
        var (code, output, error) = Run("inspect-model", pth);
        Assert.True(code == 0, error);
        Assert.Contains("Won et al. 2020 SampleCNN + SE (se) state_dict (won-se)", output);
        Assert.Contains("won-se = rese2-won:3^9+pad1+dense-head", output);
        Assert.Contains("50: guitar, classical, slow, techno", output);
        Assert.Contains("16,000 Hz", output);
        Assert.Contains("59,049 samples = 3691 ms", output);
        Assert.Contains(source.Count().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void WrongFilesAreRefusedInOneLineNamingTheProblem()
    {
        using var won = Model("won-sample", 50);
        var audio = Audio.Fixtures.PathOf(Directory.GetFiles(Audio.Fixtures.Folder, "*.wav").Select(Path.GetFileName).Order().First()!);
        void Refused(string file, string expected, params string[] extra)
        {
            foreach (var verb in new[] { new[] { "inspect-model", file }, new[] { "tag", "--model", file, audio } })
            {
                var (code, _, error) = Run([.. verb, .. extra]);
                Assert.NotEqual(0, code);
                Assert.Equal($"samplecnn: {expected}", error.TrimEnd());
            }
        }

        // Another network: none of its keys belongs to a layout.
        var other = Path.Combine(scratch.Folder, "resnet.pth");
        using (var file = File.Create(other))
            PyTorchPickler.PickleStateDict(file, new Dictionary<string, Tensor> { ["conv1.weight"] = zeros(64, 3, 7, 7), ["bn1.weight"] = ones(64) });
        Refused(other, $"{other}: bn1.weight is not a key of any layout SampleCnn opens (samplecnn, won-sample, won-se, clmr)");

        // A truncated file.
        var whole = Save(WeightsLayout.WonSample, won, "whole.pth");
        var truncated = scratch.Write("truncated.pth", File.ReadAllBytes(whole)[..4000]);
        var (code, _, error) = Run("inspect-model", truncated);
        Assert.NotEqual(0, code);
        Assert.StartsWith($"samplecnn: {truncated}: not a PyTorch state_dict (", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));

        // A head of another size, a layer missing, and a tags file that does not fit the head.
        var narrow = Save(WeightsLayout.WonSample, won, "narrow.pth", (key, value) => key == "dense.weight" ? value[.., ..256].contiguous() : value);
        Refused(narrow, $"{narrow}: dense.weight has shape [50, 256] in the file, [50, 512] in won-sample with 50 tags");
        var missing = Save(WeightsLayout.WonSample, won, "missing.pth", (key, value) => key.StartsWith("layer7.", StringComparison.Ordinal) ? null : value);
        Refused(missing, $"{missing}: layer7.conv.weight of won-sample is missing from the file");
        var tags = scratch.Write("three.txt", "a\nb\nc\n"u8.ToArray());
        Refused(whole, $"{tags}: 3 tags for the 50 outputs of {whole}", "--tags", tags);
    }
}
