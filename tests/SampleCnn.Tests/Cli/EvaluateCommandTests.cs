using System.Text.Json;
using SampleCnn.Cli;
using SampleCnn.Cli.Views;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using SampleCnn.Training;

using static SampleCnn.Tests.Cli.CliRunner;
using SampleCnn.Data.Store;
using SampleCnn.Runs;

namespace SampleCnn.Tests.Cli;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();
    private readonly string store, run;

    public EvaluateCommandTests()
    {
        store = TinyDataset.Create(scratch.Folder);
        run = Path.Combine(scratch.Folder, "run");
        using var opened = SegmentStore.Open(store);
        Trainer.Run(opened, new RunFolder(run), new TrainingOptions { Model = "3^5", Seed = 3, MaxEpochs = 3 }, TorchSharp.torch.CPU);
    }

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void WritesJsonCsvAndChartWhoseNumbersArePrinted()
    {
        var (code, output, error) = Run("evaluate", "--run", run, "--split", "test", "--bootstrap", "200");
        Assert.True(code == 0, error);
        var stem = Path.Combine(run, "evaluation-test-best");
        foreach (var extension in new[] { ".json", ".csv", ".png" }) Assert.True(new FileInfo(stem + extension).Length > 50, extension);

        using var json = JsonDocument.Parse(File.ReadAllText(stem + ".json"));
        var root = json.RootElement;
        string Printed(string property) => EvaluationView.F(root.GetProperty(property).GetDouble());
        Assert.Contains($"macro ROC-AUC {Printed("macro_roc_auc")} (95% bootstrap interval {Printed("roc_auc_low95")}-{Printed("roc_auc_high95")}, 200 resamples), macro PR-AUC {Printed("macro_pr_auc")}", output);
        Assert.Contains($"segment-level: macro ROC-AUC {Printed("segment_macro_roc_auc")}, PR-AUC {Printed("segment_macro_pr_auc")}", output);
        foreach (var tag in root.GetProperty("tags").EnumerateArray())
            Assert.Matches($@"{tag.GetProperty("tag").GetString()}\s+{tag.GetProperty("positives").GetInt32()}\s+{EvaluationView.F(tag.GetProperty("roc_auc").GetDouble())}\s+{EvaluationView.F(tag.GetProperty("average_precision").GetDouble())}", output);
        Assert.True(root.GetProperty("roc_auc_low95").GetDouble() <= root.GetProperty("macro_roc_auc").GetDouble());
        Assert.True(root.GetProperty("macro_roc_auc").GetDouble() > 0.8);
        Assert.Equal(4, File.ReadAllLines(stem + ".csv").Length); // header + 3 tags
    }

    [Fact]
    public void AModelFileIsEvaluatedOnANamedStoreWithTheSameFiguresAsItsRun()
    {
        var (code, _, error) = Run("evaluate", "--run", run, "--bootstrap", "0");
        Assert.True(code == 0, error);
        var fromRun = Report().GetProperty("macro_roc_auc").GetDouble();

        var pth = Path.Combine(scratch.Folder, "exported.pth");
        (code, _, error) = Run("export", "--model", run, "--pytorch", pth);
        Assert.True(code == 0, error);
        string[] tags;
        using (var opened = SegmentStore.Open(store)) tags = [.. opened.Vocabulary.Tags];
        var tagsFile = scratch.Write("tags.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', tags) + "\n"));
        var reports = Path.Combine(scratch.Folder, "reports");

        (code, var output, error) = Run("evaluate", "--model", pth, "--spec", "3^5", "--tags", tagsFile, "--store", store, "--bootstrap", "0", "--out", reports);
        Assert.True(code == 0, error);
        Assert.Contains("evaluation-test-exported.json", output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, "evaluation-test-exported.json")));
        Assert.Equal(fromRun, json.RootElement.GetProperty("macro_roc_auc").GetDouble());

        (code, _, error) = Run("evaluate", "--model", pth, "--spec", "3^5", "--tags", tagsFile);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--model FILE needs --store DIR", error);
    }

    [Fact]
    public void TheReportAndHeaderSayWhichProtocolProducedThem()
    {
        var (code, output, error) = Run("evaluate", "--run", run, "--bootstrap", "0");
        Assert.True(code == 0, error);
        Assert.Contains("protocol paper: all segments each", output);
        Assert.Equal("paper", Report().GetProperty("protocol").GetString());

        (code, output, error) = Run("evaluate", "--run", run, "--bootstrap", "0", "--protocol", "won2020");
        Assert.True(code == 0, error);
        Assert.Contains("protocol won2020: 16 evenly spaced segments each, clip = mean of segments", output);
        Assert.Equal(("won2020", 16), (Report().GetProperty("protocol").GetString(), Report().GetProperty("segments_per_clip").GetInt32()));

        (code, _, error) = Run("evaluate", "--run", run, "--protocol", "won2020", "--segments", "3");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--protocol won2020: it sets the segments itself", error);
        (code, _, error) = Run("evaluate", "--run", run, "--protocol", "1");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("expected paper or won2020", error);
    }

    JsonElement Report() => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "evaluation-test-best.json"))).RootElement;

    [Fact]
    public void TheBootstrapIsSeeded()
    {
        Run("evaluate", "--run", run, "--bootstrap", "100", "--seed", "4");
        var first = File.ReadAllText(Path.Combine(run, "evaluation-test-best.json"));
        Run("evaluate", "--run", run, "--bootstrap", "100", "--seed", "4");
        Assert.Equal(first, File.ReadAllText(Path.Combine(run, "evaluation-test-best.json")));
    }

    [Fact]
    public void AStoreWithOtherTagsIsRefused()
    {
        using var other = new Fixtures.Scratch();
        var otherStore = TinyDataset.Create(other.Folder, clips: 12, tags: ["bass", "treble", "hiss"]);
        var (code, _, error) = Run("evaluate", "--run", run, "--store", otherStore);
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Contains("differ from the model's", error);
    }

    [Fact]
    public void TagsSpelledOtherwiseAreMatchedAndTheMatchIsPrinted()
    {
        using var other = new Fixtures.Scratch();
        var respelled = TinyDataset.Create(other.Folder, clips: 12, tags: ["LOW", "High", "noise"]);
        var (code, output, error) = Run("evaluate", "--run", run, "--store", respelled, "--bootstrap", "0");
        Assert.True(code == 0, error);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("model's tags matched to the store's by spelling: "));
        Assert.Equal(["high = High", "low = LOW"], line.Split(": ")[1].Trim().Split(", ").Order());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "evaluation-test-best.json")));
        Assert.Equal(2, json.RootElement.GetProperty("tags_matched_by_spelling").GetArrayLength());
    }

    [Fact]
    public void AMissingCheckpointNamesThePathItLookedFor()
    {
        var (code, _, error) = Run("evaluate", "--run", run, "--checkpoint", "epoch7.ckpt");
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Equal("samplecnn: epoch7.ckpt: checkpoint not found", error.Trim());
        (code, _, error) = Run("evaluate", "--run", Path.Combine(scratch.Folder, "nowhere"));
        Assert.Contains("nowhere/best.ckpt: checkpoint not found", error);
    }
}
