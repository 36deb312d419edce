using System.Text.Json;
using SampleCnn.Cli;
using SampleCnn.Cli.Views;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using SampleCnn.Training;

using static SampleCnn.Tests.Cli.CliRunner;
using SampleCnn.Data.Store;
using SampleCnn.Runs;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Tests.Inference;

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
        // The thresholds beside the report, where tag looks for them only when told (--thresholds): the file's are beside the file.
        Assert.Equal(TagThresholds.Read(Path.Combine(run, "thresholds-best.json")).Tags, TagThresholds.Read(Path.Combine(reports, "thresholds-exported.json")).Tags);

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
        var thresholds = TagThresholds.Read(Path.Combine(run, "thresholds-best.json")); // tuned by the same protocol
        Assert.Equal(("won2020", 16), (thresholds.Protocol, thresholds.SegmentsPerClip));

        (code, _, error) = Run("evaluate", "--run", run, "--protocol", "won2020", "--segments", "3");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--protocol won2020: it sets the segments itself", error);
        (code, _, error) = Run("evaluate", "--run", run, "--protocol", "1");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("expected paper or won2020", error);
    }

    [Fact]
    public void ThresholdsAreTunedOnTheValidSplitAndTheirDecisionsOnTheTestSplitMatchADirectCount()
    {
        var (code, output, error) = Run("evaluate", "--run", run, "--bootstrap", "0");
        Assert.True(code == 0, error);
        var kept = Path.Combine(run, "thresholds-best.json");
        Assert.Contains(kept, output);
        var thresholds = TagThresholds.Read(kept);
        var report = EvaluationReport.Read(Path.Combine(run, "evaluation-test-best.json"));
        Assert.Equal(("valid", "paper", "mean", 0, 8), (thresholds.Split, thresholds.Protocol, thresholds.Aggregation, thresholds.SegmentsPerClip, thresholds.Clips));
        Assert.Equal("valid", report.ThresholdsSplit);

        // The checkpoint's clip scores on each split (every whole segment, their mean), counted here directly.
        using var opened = SegmentStore.Open(store);
        using var model = TrainedModel.OpenCnn(run, new ModelOpenOptions(), TorchSharp.torch.CPU, "evaluated");
        Assert.Equal(model.Info.Epoch, thresholds.Epoch);
        Assert.Equal(opened.Vocabulary.Tags, model.Tags); // trained on this store: the scores below are in the model's order too
        Assert.Equal(model.Tags, thresholds.Tags.Select(t => t.Tag));
        int length = (int)model.Cnn!.Spec.InputSamples;
        ClipPredictions Scores(Split split) => ClipPredictions.Compute(model.Cnn, new BatchLoader(opened, split, new SegmentPlan(length, null, length)), TorchSharp.torch.CPU);
        var (valid, test) = (Scores(Split.Valid), Scores(Split.Test));
        int t = model.Tags.Count;
        (int Tp, int Fp, int Fn) Count(ClipPredictions p, int tag, float threshold)
        {
            int tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < p.Clips.Count; i++)
            {
                bool has = p.ClipScores[i * t + tag] >= threshold, positive = p.ClipTargets[i * t + tag] == 1;
                if (has && positive) tp++;
                else if (has) fp++;
                else if (positive) fn++;
            }
            return (tp, fp, fn);
        }
        static double F1((int Tp, int Fp, int Fn) c) => 2.0 * c.Tp / (2 * c.Tp + c.Fp + c.Fn);
        int pooledTp = 0, pooledFp = 0, pooledFn = 0;
        var f1s = new List<double>();
        for (int j = 0; j < t; j++)
        {
            var tuned = thresholds.Tags[j];
            Assert.True(tuned.Tuned);
            // No valid score as threshold beats the kept one's F1, which it reaches there.
            double best = Enumerable.Range(0, valid.Clips.Count).Max(i => F1(Count(valid, j, valid.ClipScores[i * t + j])));
            Assert.Equal(best, tuned.F1, 12);
            Assert.Equal(best, F1(Count(valid, j, tuned.Threshold)), 12);

            var c = Count(test, j, tuned.Threshold);
            var scored = report.Tags.Single(s => s.Tag == tuned.Tag);
            Assert.Equal(tuned.Threshold, scored.Threshold);
            Assert.Equal((double)c.Tp / (c.Tp + c.Fp), scored.Precision, 12);
            Assert.Equal((double)c.Tp / (c.Tp + c.Fn), scored.Recall, 12);
            Assert.Equal(F1(c), scored.F1, 12);
            Assert.Matches($@"{tuned.Tag}\s+{scored.Positives}\s+\S+\s+\S+\s+{EvaluationView.F(tuned.Threshold)}\s+{EvaluationView.F(scored.Precision)}\s+{EvaluationView.F(scored.Recall)}\s+{EvaluationView.F(scored.F1)}", output);
            (pooledTp, pooledFp, pooledFn) = (pooledTp + c.Tp, pooledFp + c.Fp, pooledFn + c.Fn);
            f1s.Add(F1(c));
        }
        Assert.Equal(f1s.Average(), report.MacroF1, 12);
        Assert.Equal(F1((pooledTp, pooledFp, pooledFn)), report.MicroF1, 12);
        Assert.Contains($"macro F1 {EvaluationView.F(report.MacroF1)}, micro F1 {EvaluationView.F(report.MicroF1)}", output);

        // tag decides with them: a test clip's decisions are its scores against the kept thresholds.
        var clip = Path.Combine(scratch.Folder, "audio", "clip005.wav");
        (code, output, error) = Run("tag", clip, "--model", run, "--decide", "tuned", "--json");
        Assert.True(code == 0, error);
        using var record = JsonDocument.Parse(output.Trim());
        foreach (var tuned in thresholds.Tags)
            Assert.Equal(record.RootElement.GetProperty("scores").GetProperty(tuned.Tag).GetSingle() >= tuned.Threshold,
                record.RootElement.GetProperty("decisions").GetProperty(tuned.Tag).GetBoolean());
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

    [Avx512Fact]
    public void TheWinogradEngineGivesTheSameReport()
    {
        Run("evaluate", "--run", run, "--bootstrap", "50");
        var torch = Report();
        var (code, _, error) = Run("evaluate", "--run", run, "--bootstrap", "50", "--engine", "winograd");
        Assert.True(code == 0, error);
        var winograd = Report();
        foreach (var figure in new[] { "macro_roc_auc", "macro_pr_auc", "segment_macro_roc_auc", "loss" })
            Assert.Equal(torch.GetProperty(figure).GetDouble(), winograd.GetProperty(figure).GetDouble(), 5);
        (code, _, error) = Run("evaluate", "--run", run, "--engine", "onnx");
        Assert.Equal((SampleCnnApp.UsageError, "samplecnn: --engine 'onnx': expected torch or winograd (ONNX Runtime's graph gives sigmoid scores, not the logits the loss needs)"),
            (code, error.Trim()));
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
