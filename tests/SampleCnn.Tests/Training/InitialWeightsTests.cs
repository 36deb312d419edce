using SampleCnn.Models;
using SampleCnn.Tests.Audio;
using SampleCnn.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Training;

/// <summary>Starting weights must fit the new model exactly: every key, shape and dtype, or a one-line refusal.</summary>
public sealed class InitialWeightsTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    string Export(TaggingCnn model, string name)
    {
        var path = Path.Combine(scratch.Folder, name);
        model.save_py(path);
        return path;
    }

    [Fact]
    public void AStateDictWithAnotherTagCountGivesTheBodyAndTheRunANewHead()
    {
        manual_seed(7);
        using var source = new TaggingCnn(ModelSpec.Parse("3^3"), 3);
        var pth = Export(source, "three-tags.pth");
        using var target = new TaggingCnn(ModelSpec.Parse("3^3"), 5);
        var before = target.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var theirs = source.state_dict();

        InitialWeights.Load(pth, target, new string[5]);
        foreach (var (key, value) in target.state_dict())
        {
            var expected = key.StartsWith("head.dense.", StringComparison.Ordinal) ? before[key] : theirs[key];
            Assert.True(value.eq(expected).all().item<bool>(), key);
        }
        Assert.False(target.state_dict()["frontEnd.conv.weight"].eq(before["frontEnd.conv.weight"]).all().item<bool>());
    }

    [Fact]
    public void AStateDictWithTheRunsTagCountGivesEveryWeight()
    {
        manual_seed(8);
        using var source = new TaggingCnn(ModelSpec.Parse("3^3"), 4);
        var pth = Export(source, "four-tags.pth");
        using var target = new TaggingCnn(ModelSpec.Parse("3^3"), 4);
        InitialWeights.Load(pth, target, new string[4]);
        var theirs = source.state_dict();
        Assert.All(target.state_dict(), p => Assert.True(p.Value.eq(theirs[p.Key]).all().item<bool>(), p.Key));
    }

    [Fact]
    public void ACheckpointGivesEveryWeightForItsOwnTagsInAnyOrderAndTheBodyForOthers()
    {
        var (source, checkpoint) = Tagging.TaggerTests.TinyModel(scratch.Folder);
        using (source)
        {
            var theirs = source.state_dict();
            var reversed = Tagging.TaggerTests.Tags.Reverse().ToArray();
            using var sameTags = new TaggingCnn(ModelSpec.Parse("3^4"), reversed.Length);
            InitialWeights.Load(checkpoint, sameTags, reversed);
            Assert.True(sameTags.state_dict()["head.dense.weight"].allclose(theirs["head.dense.weight"].flip(0), 0, 0));

            using var otherTags = new TaggingCnn(ModelSpec.Parse("3^4"), 2);
            var initialHead = otherTags.state_dict()["head.dense.weight"].clone();
            InitialWeights.Load(checkpoint, otherTags, ["mine", "yours"]);
            Assert.True(otherTags.state_dict()["head.dense.weight"].allclose(initialHead, 0, 0));
            Assert.True(otherTags.state_dict()["frontEnd.conv.weight"].allclose(theirs["frontEnd.conv.weight"], 0, 0));
        }
    }

    [Fact]
    public void AStateDictOfAnotherModelIsRefusedAndNothingLoaded()
    {
        using var source = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        var pth = Export(source, "other-model.pth");
        using var target = new TaggingCnn(ModelSpec.Parse("3^3"), 3);
        var before = target.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(pth, target, new string[3]));
        Assert.StartsWith($"{pth}: ", error.Message);
        Assert.All(target.state_dict(), p => Assert.True(p.Value.eq(before[p.Key]).all().item<bool>(), p.Key));
    }

    [Fact]
    public void AStateDictOfAnotherDtypeIsRefused()
    {
        using var source = new TaggingCnn(ModelSpec.Parse("3^3"), 4);
        source.to(float64);
        var pth = Export(source, "double.pth");
        using var target = new TaggingCnn(ModelSpec.Parse("3^3"), 4);
        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(pth, target, new string[4]));
        Assert.Equal($"{pth}: frontEnd.conv.weight is Float64 in the file, Float32 in 3^3 with 4 tags", error.Message);
    }

    [Fact]
    public void MissingAndUnexpectedKeysAreNamed()
    {
        using var plain = new TaggingCnn(ModelSpec.Parse("3^3"), 4);
        using var excited = new TaggingCnn(ModelSpec.Parse("se:3^3"), 4);
        var plainPth = Export(plain, "plain.pth");
        var excitedPth = Export(excited, "se.pth");

        var missing = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(plainPth, excited, new string[4]));
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(plainPth)}: blocks\.0\.se\.\S+ of se:3\^3 is missing from the file$", missing.Message);
        var unexpected = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(excitedPth, plain, new string[4]));
        Assert.Matches(@": blocks\.0\.se\.\S+ in the file is not a weight of 3\^3$", unexpected.Message);
    }

    [Fact]
    public void AMatchingStateDictLoadsExactly()
    {
        using var source = new TaggingCnn(ModelSpec.Parse("2^4"), 4);
        var pth = Export(source, "same.pth");
        using var target = new TaggingCnn(ModelSpec.Parse("2^4"), 4);
        InitialWeights.Load(pth, target, new string[4]);
        var expected = source.state_dict();
        Assert.All(target.state_dict(), p => Assert.True(p.Value.eq(expected[p.Key]).all().item<bool>(), p.Key));
    }
}
