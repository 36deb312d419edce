using SampleCnn.Cli;

using static SampleCnn.Tests.Cli.CliRunner;

namespace SampleCnn.Tests.Cli;

public class SampleCnnAppTests
{
    [Fact]
    public void SummaryPrintsTheLayerTableAndTotals()
    {
        var (code, output, error) = Run("summary", "--model", "3^9");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        foreach (var shape in new[] { "128 x 19,683", "128 x 6,561", "128 x 2,187", "256 x 729", "256 x 243", "256 x 81", "256 x 27", "256 x 9", "256 x 3", "512 x 1", "50 x 1" })
            Assert.Contains(shape, output);
        Assert.Contains("input: 59,049 samples = 2678 ms at 22050 Hz", output);
        Assert.Contains("parameters: 1,869,874", output);
        Assert.Contains("multiply-accumulates per segment: 1,728,067,712", output);
    }

    [Fact]
    public void SummaryHonoursTheTagCount()
    {
        var (code, output, _) = Run("summary", "--model", "5^6", "--tags", "10");
        Assert.Equal(0, code);
        Assert.Contains("10 x 1", output);
        Assert.Contains("input: 78,125 samples", output);
    }

    [Fact]
    public void SummaryPrintsTheModelsSampleRate()
    {
        var (code, output, _) = Run("summary", "--model", "3^9@16000");
        Assert.Equal(0, code);
        Assert.Contains("3^9@16000 with 50 tags", output);
        Assert.Contains("input: 59,049 samples = 3691 ms at 16000 Hz", output);
    }

    [Fact]
    public void HelpListsTheVerbs()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("summary", output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("summary", "--model", "7^2")]
    [InlineData("summary", "--modle", "3^9")]
    [InlineData("summary", "--tags", "0")]
    public void BadCommandLinesPrintOneLineAndExit2(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("samplecnn: ", error);
    }

    [Fact]
    public void ALibraryErrorAboutAnOptionNamesTheFlag()
    {
        var (code, _, error) = Run("summary", "--tags", "0");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal("samplecnn: --tags 0: a model needs at least one tag", error.TrimEnd());
    }

    [Fact]
    public void BadSpecErrorNamesTheSpecAndTheValidForms()
    {
        var (_, _, error) = Run("summary", "--model", "7^2");
        Assert.Contains("'7^2'", error);
        Assert.Contains("valid forms", error);
    }
}
