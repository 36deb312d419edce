using System.Globalization;
using System.Text.Json;
using SampleCnn.Cli;
using SampleCnn.Inference;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>
/// `tag --decide`: yes/no tags at the thresholds kept with the model (written here by hand, so each decision is known)
/// or at one threshold; the table lists the tags that pass, JSON and CSV carry every decision; the refusals.
/// </summary>
public sealed class TagDecisionTests : IDisposable
{
    static readonly string[] Tags = ["a", "b", "c", "d"];
    readonly Fixtures.Scratch scratch = new();
    readonly string checkpoint, file = Fixtures.PathOf("mtat-like-16k-mono.mp3");
    readonly float[] scores;

    public TagDecisionTests()
    {
        var (model, path) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        checkpoint = path;
        using var session = TaggingSession.Open([file], checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        scores = session.Run().Single().ClipScores;
    }

    public void Dispose() => scratch.Dispose();

    /// <summary>Thresholds at a and c's scores (a score equal to its threshold passes), just above b and d's: a and c pass.</summary>
    TagThresholds Kept(int epoch = 1, string[]? tags = null) => new("3^4", checkpoint, epoch, "store", "valid", "paper", "mean", 0, 10,
        (tags ?? Tags).Select((t, j) => new TagThreshold(t, j % 2 == 0 ? scores[j] : MathF.BitIncrement(scores[j]), j != 3, 0.5, 2, 8)).ToList());

    static (int Code, string Output, string Error) Tag(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var error = new StringWriter();
        int code = SampleCnnApp.Run(["tag", .. args], console, error);
        return (code, console.Output, error.ToString());
    }

    [Fact]
    public void TheThresholdsKeptBesideACheckpointAreFoundWrittenAndReadBack()
    {
        var path = RunFolder.ThresholdsOf(checkpoint);
        Assert.Equal(Path.Combine(scratch.Folder, "thresholds-tiny.json"), path);
        Assert.Equal(Path.Combine(scratch.Folder, "thresholds-best.json"), RunFolder.ThresholdsOf(scratch.Folder));
        Assert.Equal(Path.Combine(scratch.Folder, "thresholds-last.json"), new RunFolder(scratch.Folder).Thresholds("last"));
        var kept = Kept();
        kept.Write(path);
        var read = TagThresholds.Read(path);
        Assert.Equal(kept with { Tags = [] }, read with { Tags = [] });
        Assert.Equal(kept.Tags, read.Tags);
        Assert.Equal([MathF.BitIncrement(scores[3]), scores[2], MathF.BitIncrement(scores[1]), scores[0]], read.For(["d", "c", "b", "a"], path)); // by name, in the order asked
        using var model = TrainedModel.Open(checkpoint, new ModelOpenOptions(), CPU);
        Assert.Equal(kept.Tags, model.Thresholds!.Tags);

        File.Delete(path);
        using var none = TrainedModel.Open(checkpoint, new ModelOpenOptions(), CPU);
        Assert.Null(none.Thresholds);
    }

    [Fact]
    public void TunedDecisionsPassTheTagsAtOrAboveTheirThresholdsInEveryFormat()
    {
        Kept().Write(RunFolder.ThresholdsOf(checkpoint));
        bool[] expected = [true, false, true, false];

        var (code, output, error) = Tag(file, "--model", checkpoint, "--decide", "tuned", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim());
        var decisions = json.RootElement.GetProperty("decisions");
        Assert.Equal(expected, Tags.Select(t => decisions.GetProperty(t).GetBoolean()));
        Assert.Equal(scores, Tags.Select(t => json.RootElement.GetProperty("scores").GetProperty(t).GetSingle()));

        (code, output, error) = Tag(file, "--model", checkpoint, "--decide", "tuned", "--csv");
        Assert.True(code == 0, error);
        var lines = output.Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("file,segments,padded,error,recovered,a,b,c,d,decision:a,decision:b,decision:c,decision:d", lines[0]);
        Assert.Equal(["1", "0", "1", "0"], lines[1].Split(',')[^4..]);

        (code, output, error) = Tag(file, "--model", checkpoint, "--decide", "tuned");
        Assert.True(code == 0, error);
        Assert.Contains("decisions: a tag when its score >= its threshold, tuned for epoch 1 on the valid split of store (10 clips, protocol paper; each tag's maximum F1)", output);
        Assert.Contains("untuned (no positive in that split), at 0.500: d", output);
        var rows = output.Split('\n').Where(l => l.StartsWith("  ") && l.Trim().Length > 0 && char.IsLetter(l.Trim()[0]) && !l.Contains("tag ")).Select(l => l.Trim().Split(' ')[0]);
        Assert.Equal(Tags.Where((_, j) => expected[j]).OrderByDescending(t => scores[Array.IndexOf(Tags, t)]), rows);
    }

    [Fact]
    public void OneThresholdDecidesEveryTag()
    {
        // Between the lowest and highest score, so both decisions occur.
        float global = (scores.Min() + scores.Max()) / 2;
        var text = global.ToString("R", CultureInfo.InvariantCulture);
        var (code, output, error) = Tag(file, "--model", checkpoint, "--decide", text, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal(scores.Select(s => s >= global), Tags.Select(t => json.RootElement.GetProperty("decisions").GetProperty(t).GetBoolean()));
        (code, output, _) = Tag(file, "--model", checkpoint, "--decide", text);
        Assert.Contains($"decisions: a tag when its score >= {global.ToString("F3", CultureInfo.InvariantCulture)}", output);
        (code, output, _) = Tag(file, "--model", checkpoint, "--json"); // no decisions asked for: the record is as before
        Assert.DoesNotContain("decisions", output);
    }

    [Fact]
    public void AThresholdsFileCanBeNamed()
    {
        var elsewhere = Path.Combine(scratch.Folder, "mine.json");
        Kept().Write(elsewhere);
        var (code, output, error) = Tag(file, "--model", checkpoint, "--decide", "tuned", "--thresholds", elsewhere, "--csv");
        Assert.True(code == 0, error);
        Assert.Equal(["1", "0", "1", "0"], output.Trim().Split('\n')[1].Trim().Split(',')[^4..]);
    }

    [Fact]
    public void MissingForeignAndStaleThresholdsAreRefusedInOneLine()
    {
        var kept = RunFolder.ThresholdsOf(checkpoint);
        var (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "tuned");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal($"samplecnn: --decide tuned: no thresholds were tuned for {checkpoint} (none at {kept}); run evaluate on it first (it tunes them on a store's validation split), or give a thresholds file or one threshold",
            error.Trim());

        Kept(tags: ["a", "b", "c", "e"]).Write(kept);
        (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "tuned");
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Equal($"samplecnn: {kept}: its tags differ from the model's: none for d; not the model's: e", error.Trim());

        Kept(epoch: 7).Write(kept);
        (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "tuned");
        Assert.Equal($"samplecnn: {kept}: tuned for epoch 7 of {checkpoint}, but {checkpoint} is epoch 1; evaluate it again to tune them", error.Trim());
        (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "0.5"); // stale tuned thresholds do not stand in the way of a global one
        Assert.True(code == 0, error);

        (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "tuned", "--thresholds", Path.Combine(scratch.Folder, "none.json"));
        Assert.Equal($"samplecnn: {Path.Combine(scratch.Folder, "none.json")}: not found", error.Trim());
        File.WriteAllText(kept, "{\"tags\": 3}");
        (code, _, error) = Tag(file, "--model", checkpoint, "--decide", "tuned");
        Assert.StartsWith($"samplecnn: {kept}: not a thresholds file (", error.Trim());
    }

    [Theory]
    [InlineData("--decide", "2", "samplecnn: --decide '2': expected tuned or a threshold from 0 to 1")]
    [InlineData("--decide", "best", "samplecnn: --decide 'best': expected tuned or a threshold from 0 to 1")]
    [InlineData("--thresholds", "t.json", "samplecnn: --thresholds FILE goes with --decide tuned")]
    [InlineData("--threshold", "0.2", "samplecnn: --decide and --threshold: choose one (--decide lists every tag that passes)")]
    public void BadDecisionOptionsAreRefused(string option, string value, string message)
    {
        string[] decide = option == "--decide" ? [] : option == "--thresholds" ? ["--decide", "0.5"] : ["--decide", "tuned"];
        var (code, _, error) = Tag([file, "--model", checkpoint, option, value, .. decide]);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal(message, error.Trim());
    }
}
