using SampleCnn.Cli;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using SampleCnn.Training;

using static SampleCnn.Tests.Cli.CliRunner;
using SampleCnn.Runs;

namespace SampleCnn.Tests.Cli;

public class TrainCommandTests
{
    [Fact]
    public void TrainResumeExportAndInitFromTheExport()
    {
        using var scratch = new Fixtures.Scratch();
        var store = TinyDataset.Create(scratch.Folder, clips: 24);
        var run = Path.Combine(scratch.Folder, "run");
        var (code, output, error) = Run("train", "--store", store, "--model", "3^5", "--run", run, "--max-epochs", "1", "--device", "cpu", "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("stopped: --max-epochs 1 reached", output);
        Assert.Matches(@"\s1\s+1\s+0\.01\s", output); // epoch 1, stage 1, lr 0.01

        // A new run in a started folder is refused, with the flag that continues it.
        (code, _, error) = Run("train", "--store", store, "--run", run, "--max-epochs", "2");
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Contains("a run was started in this folder; use --resume to continue it, or another folder", error);

        (code, output, error) = Run("train", "--store", store, "--run", run, "--resume", "--max-epochs", "2");
        Assert.True(code == 0, error);
        Assert.Contains("training (resumed)", output);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        var pth = Path.Combine(scratch.Folder, "weights.pth");
        (code, output, error) = Run("export", "--model", run, "--checkpoint", "last", "--pytorch", pth);
        Assert.True(code == 0, error);
        Assert.True(new FileInfo(pth).Length > 100_000);
        Assert.Contains("at 22050 Hz, epoch", output); // a state_dict holds no rate: export says it

        // A new run starting from the exported state_dict holds exactly those weights before training.
        var (exported, _) = Checkpoint.LoadModel(Path.Combine(run, "last.ckpt"));
        using var fresh = new SampleCnn.Models.TaggingCnn(exported.Spec, exported.Tags);
        InitialWeights.Load(pth, fresh, new string[exported.Tags]);
        Assert.All(exported.state_dict().Zip(fresh.state_dict()), p =>
        {
            Assert.Equal(p.First.Key, p.Second.Key);
            Assert.True(p.First.Value.eq(p.Second.Value).all().item<bool>(), p.First.Key);
        });
        exported.Dispose();

        (code, _, error) = Run("train", "--store", store, "--model", "5^3", "--run", Path.Combine(scratch.Folder, "other"), "--init-from", pth);
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Contains("weights.pth: frontEnd.conv.weight has shape [128, 1, 3] in the file, [128, 1, 5] in 5^3 with 3 tags", error);
    }

    [Fact]
    public void TrainKilledAtAnyInstantResumesToTheSameMetrics()
    {
        using var scratch = new Fixtures.Scratch();
        var store = TinyDataset.Create(scratch.Folder, clips: 24);
        string[] Train(string run) => ["train", "--store", store, "--model", "3^5", "--run", run, "--max-epochs", "2", "--seed", "5",
            "--device", "cpu", "--threads", "1", "--checkpoint-minutes", "0.0001"]; // a checkpoint after about every batch
        // metrics.csv without its two wall-clock columns (seconds, segments per second), compared as text.
        static string[] Losses(string run) => File.ReadLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(',', l.Split(',').Take(7))).ToArray();

        var whole = Path.Combine(scratch.Folder, "whole");
        var (code, error) = ChildProcess.Run(Train(whole));
        Assert.True(code == 0, error);
        Assert.Equal(3, Losses(whole).Length);

        var instants = new (string Name, Func<string, bool> Reached)[]
        {
            ("first-epoch", run => File.Exists(Path.Combine(run, "config.json"))),
            ("checkpoint-write", run => File.Exists(Path.Combine(run, "last.ckpt.tmp"))),
            ("second-epoch", run => File.Exists(Path.Combine(run, "metrics.csv"))),
        };
        foreach (var (name, reached) in instants)
        {
            var run = Path.Combine(scratch.Folder, name);
            Assert.True(ChildProcess.KillWhen(() => reached(run), Train(run)), $"{name}: the run ended before it could be killed");
            (code, error) = ChildProcess.Run("train", "--store", store, "--run", run, "--resume");
            Assert.True(code == 0, $"{name}: {error}");
            Assert.Equal(Losses(whole), Losses(run));
        }
    }

    [Fact]
    public void AHeadTrainingKilledWhileCachingOrTrainingResumes()
    {
        using var scratch = new Fixtures.Scratch();
        var store = TinyDataset.Create(scratch.Folder, clips: 24);
        var body = Path.Combine(scratch.Folder, "body");
        var (code, error) = ChildProcess.Run("train", "--store", store, "--model", "3^5", "--run", body, "--max-epochs", "1", "--tags", "low,high", "--device", "cpu", "--threads", "1");
        Assert.True(code == 0, error);
        string[] Head(string run) => ["train", "--store", store, "--model", "3^5", "--run", run, "--init-from", Path.Combine(body, "last.ckpt"), "--freeze", "body",
            "--tags", "noise", "--max-epochs", "3", "--device", "cpu", "--threads", "1", "--checkpoint-minutes", "0.0001"];
        // The first seven columns (the last two are wall-clock), to float rounding (see FrozenBodyTests).
        static double[][] Losses(string run) => [.. File.ReadLines(Path.Combine(run, "metrics.csv")).Skip(1)
            .Select(l => l.Split(',').Take(7).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())];

        var whole = Path.Combine(scratch.Folder, "whole");
        (code, error) = ChildProcess.Run(Head(whole));
        Assert.True(code == 0, error);
        var instants = new (string Name, Func<string, bool> Reached)[]
        {
            ("caching", run => File.Exists(Path.Combine(run, "features-train.json"))),
            ("training", run => File.Exists(Path.Combine(run, "last.ckpt.tmp"))),
        };
        foreach (var (name, reached) in instants)
        {
            var run = Path.Combine(scratch.Folder, name);
            Assert.True(ChildProcess.KillWhen(() => reached(run), Head(run)), $"{name}: the run ended before it could be killed");
            (code, error) = ChildProcess.Run("train", "--store", store, "--run", run, "--resume");
            Assert.True(code == 0, $"{name}: {error}");
            Assert.Equal(Losses(whole).Length, Losses(run).Length);
            Assert.All(Losses(whole).Zip(Losses(run)), p => Assert.All(p.First.Zip(p.Second), v => Assert.Equal(v.First, v.Second, 1e-5)));
        }
        // The run opens like any other: evaluate scores its own tag.
        var (evaluated, output, evaluateError) = Run("evaluate", "--run", whole, "--bootstrap", "0");
        Assert.True(evaluated == 0, evaluateError);
        Assert.Contains("noise", output);
        Assert.DoesNotContain("high", output);
    }

    [Fact]
    public void BadTrainingOptionsAreOneLineUsageErrors()
    {
        var (code, _, error) = Run("train", "--store", "/x", "--run", "/y", "--learning-rates", "0.01,fast");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--learning-rates: 'fast' is not a number", error);
        // The library speaks of options by meaning; the command line names its flags.
        foreach (var (flag, value, message) in new[]
        {
            ("--batch-size", "1", "--batch-size 1: must be at least 2 (BatchNorm cannot train on one segment)"),
            ("--bn-momentum", "0", "--bn-momentum 0: must be in (0, 1]"),
            ("--segments", "-3", "--segments -3: must be at least 1"),
            ("--device", "gpu", "--device 'gpu': expected one of auto, cpu, cuda"),
            ("--freeze", "body", "--freeze body: needs the weights to start from (a trained model's body)"),
            ("--head", "deep", "--head 'deep': expected linear or mlp"),
            ("--unfreeze-after", "2", "--freeze none: a head kind or an unfreezing epoch applies to a frozen body only"),
        })
        {
            (code, _, error) = Run("train", "--store", "/x", "--run", "/y", flag, value);
            Assert.Equal(SampleCnnApp.UsageError, code);
            Assert.Equal($"samplecnn: {message}", error.TrimEnd());
        }
        (code, _, error) = Run("train", "--store", "/x");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--store DIR and --run DIR are required", error);
    }
}
