using SampleCnn.Models;

namespace SampleCnn.Tests.Models;

public class ModelSpecTests
{
    // Every model of PAPER.md's MTAT AUC table, with its input length and first filter.
    [Theory]
    [InlineData("3^9", 59049, 3, 9)]
    [InlineData("frame:9", 59049, 9, 8)]
    [InlineData("frame:27", 59049, 27, 7)]
    [InlineData("frame:81", 59049, 81, 6)]
    [InlineData("frame:243", 59049, 243, 5)]
    [InlineData("frame:729", 59049, 729, 4)]
    [InlineData("2^14", 32768, 2, 14)]
    [InlineData("4^7", 65536, 4, 7)]
    [InlineData("5^6", 78125, 5, 6)]
    [InlineData("mel:729", 59049, 729, 4)]
    [InlineData("mel:81", 59049, 81, 6)]
    public void PaperModelsHaveThePapersInputLength(string text, long samples, int firstFilter, int modules)
    {
        var spec = ModelSpec.Parse(text);
        Assert.Equal(samples, spec.InputSamples);
        Assert.Equal(firstFilter, spec.Filter);
        Assert.Equal(modules, spec.Modules);
    }

    [Fact]
    public void HeadlineModelIs2678Milliseconds() =>
        Assert.Equal(2678, Math.Round(ModelSpec.Parse("3^9").InputMilliseconds));

    [Theory]
    [InlineData("3^9")]
    [InlineData("2^14")]
    [InlineData("frame:729")]
    [InlineData("mel:729")]
    [InlineData("mel:1458/729")]
    [InlineData("se:3^9")]
    [InlineData("rese2:3^9")]
    [InlineData("multi:3^9")]
    [InlineData("se-multi:5^6")]
    [InlineData("rese2-multi:3^9")]
    [InlineData("se:frame:243")]
    [InlineData("3^9@16000")]
    [InlineData("se:3^9@16000")]
    [InlineData("mel:729@44100")]
    [InlineData("won-sample")]
    [InlineData("won-se")]
    [InlineData("clmr")]
    [InlineData("3^9+pad1+last3")]
    [InlineData("rese2-won:3^9")]
    [InlineData("se:frame:243+pad1+dense-head")]
    public void CanonicalTextRoundTrips(string text)
    {
        var spec = ModelSpec.Parse(text);
        Assert.Equal(text, spec.ToString());
        Assert.Equal(spec, ModelSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void PrefixesChooseBlockAndAggregation()
    {
        var spec = ModelSpec.Parse(" ReSE2-Multi:3^9 ");
        Assert.Equal(BlockKind.ReSe2, spec.Block);
        Assert.True(spec.MultiLevel);
        Assert.Equal(BlockKind.SqueezeExcite, ModelSpec.Parse("se:3^9").Block);
        Assert.False(ModelSpec.Parse("se:3^9").MultiLevel);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3^")]
    [InlineData("6^3")]
    [InlineData("1^5")]
    [InlineData("3^0")]
    [InlineData("3^40")]
    [InlineData("frame:700")]
    [InlineData("frame:59049")]
    [InlineData("mel:729/700")]
    [InlineData("se:se:3^9")]
    [InlineData("multi:3^2")]
    [InlineData("vgg")]
    [InlineData("3^9@")]
    [InlineData("3^9@16k")]
    [InlineData("3^9@999")]
    [InlineData("3^9@400000")]
    [InlineData("@16000")]
    [InlineData("3^9@16000@16000")]
    [InlineData("3^9+pad1+pad1")]
    [InlineData("2^14+pad1")]
    [InlineData("mel:729+pad1")]
    [InlineData("multi:3^9+dense-head")]
    [InlineData("multi:3^9+last3")]
    [InlineData("rese2-won:mel:729")]
    [InlineData("3^9+pad2")]
    [InlineData("won-sample+last3")]
    public void InvalidSpecsNameTheTextAndTheValidForms(string text)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains("valid forms: m^n", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ChannelPlanFollowsThePaperFor3To9()
    {
        var spec = ModelSpec.Parse("3^9");
        Assert.Equal(new[] { 128, 128, 256, 256, 256, 256, 256, 256, 512 },
            Enumerable.Range(1, 9).Select(spec.ModuleChannels));
    }

    [Fact]
    public void ASpecWithoutARateIsThePapers22050Hz()
    {
        Assert.Equal(22050, ModelSpec.Parse("3^9").SampleRate);
        Assert.Equal(ModelSpec.Parse("3^9"), ModelSpec.Parse("3^9@22050"));
        Assert.Equal("3^9", ModelSpec.Parse("3^9@22050").ToString());
    }

    [Fact]
    public void ARateSuffixSetsTheRateAndTheInputDuration()
    {
        var spec = ModelSpec.Parse("se:3^9@16000");
        Assert.Equal(16000, spec.SampleRate);
        Assert.Equal((BlockKind.SqueezeExcite, 59049L), (spec.Block, spec.InputSamples));
        Assert.Equal(3691, Math.Round(spec.InputMilliseconds)); // Won et al.'s 3.69 s
        Assert.NotEqual(ModelSpec.Parse("se:3^9"), spec);
        Assert.Equal(spec, ModelSpec.Parse("se:3^9") with { SampleRate = 16000 });
    }

    [Fact]
    public void ThePublishedModelsAreAliasesOfFullSpecs()
    {
        Assert.Equal(ModelSpec.Parse("3^9") with { FirstPadding = 1, SampleRate = 16000 }, ModelSpec.Parse("won-sample"));
        Assert.Equal(ModelSpec.Parse("3^9") with { LastKernel = 3 }, ModelSpec.Parse("CLMR"));
        var se = ModelSpec.Parse("won-se");
        Assert.Equal((BlockKind.ReSe2Won, 1, 1, true), (se.Block, se.FirstPadding, se.LastKernel, se.DenseHead));
        Assert.Equal("rese2-won:3^9+pad1+dense-head@16000", se.Definition);
        Assert.Equal("won-se", ModelSpec.Parse("rese2-won:3^9+pad1+dense-head@16000").ToString());
        Assert.Equal("rese2-won:3^9+pad1+dense-head", ModelSpec.Parse("rese2-won:3^9+pad1+dense-head").ToString());
        Assert.Equal(59049, se.InputSamples);
        Assert.Equal("3^9", ModelSpec.Parse("3^9").Definition);
    }
}
