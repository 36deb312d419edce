using SampleCnn.Cli;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Training;
using static SampleCnn.Tests.Cli.CliRunner;

namespace SampleCnn.Tests.Cli;

public class ExperimentCommandTests
{
    [Fact]
    public void TrainsEvaluatesAndTabulatesEachModelOnceAndResumesTheRest()
    {
        using var scratch = new Fixtures.Scratch();
        var store = TinyDataset.Create(scratch.Folder, clips: 36);
        var outDir = Path.Combine(scratch.Folder, "experiment");
        string[] args = ["experiment", "--store", store, "--models", "3^4,2^6", "--epochs", "1", "--out", outDir];
        var (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        var table = File.ReadAllLines(Path.Combine(outDir, "results.md"));
        Assert.Contains(table, l => l.StartsWith("| 3^4 | 3 | 243 | 11 |"));
        Assert.Contains(table, l => l.StartsWith("| 2^6 | 2 | 128 | 6 |"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
        Assert.True(new FileInfo(Path.Combine(outDir, "roc-auc-vs-first-filter.png")).Length > 1000);
        Assert.Contains("| model | first filter | input samples | input ms | parameters | ROC-AUC | PR-AUC | training min | epochs |", output);

        var metrics = File.ReadAllText(Path.Combine(outDir, "runs", "3_4", "metrics.csv"));
        (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        Assert.Equal(2, output.Split("finished earlier: not retrained").Length - 1);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(outDir, "runs", "3_4", "metrics.csv")));
    }

    [Fact]
    public void AFailingModelIsRecordedAndTheOthersStillRun()
    {
        using var scratch = new Fixtures.Scratch();
        var store = TinyDataset.Create(scratch.Folder, clips: 36);
        var outDir = Path.Combine(scratch.Folder, "experiment");
        // An injected failure: a file where 3^4's run folder should be.
        var blocker = Path.Combine(outDir, "runs", "3_4");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "not a folder");
        string[] args = ["experiment", "--store", store, "--models", "3^4,2^6", "--epochs", "1", "--out", outDir];

        var (code, output, error) = Run(args);
        Assert.Equal(SampleCnnApp.Failure, code);
        var table = File.ReadAllLines(Path.Combine(outDir, "results.md"));
        Assert.Contains(table, l => l.StartsWith("| 3^4 | 3 | 243 | 11 |") && l.Contains("failed: ") && l.Contains("3_4"));
        Assert.Contains(table, l => l.StartsWith("| 2^6 | 2 | 128 | 6 |") && !l.Contains("failed"));
        var csv = File.ReadAllLines(Path.Combine(outDir, "results.csv"));
        Assert.Equal(3, csv.Length);
        Assert.EndsWith(",status", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("3^4,") && (l.Contains(",failed: ") || l.Contains(",\"failed: "))); // quoted only when the reason holds a comma
        Assert.Contains(csv, l => l.StartsWith("2^6,") && l.EndsWith(",ok"));
        Assert.Contains("1 of 2 models failed: 3^4", error);
        // Every whole segment of each clip by default (the authors' cut), recorded in the run's config.
        Assert.Contains("\"segments_per_clip\": null", File.ReadAllText(Path.Combine(outDir, "runs", "2_6", "config.json")));

        // Once the cause is gone, a rerun trains the failed model and keeps the finished one.
        File.Delete(blocker);
        (code, output, error) = Run(args);
        Assert.True(code == 0, error);
        Assert.Single(output.Split("finished earlier: not retrained").Skip(1));
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(outDir, "results.md")), l => l.Contains("failed"));
    }

    [Fact]
    public void ModelsOrAPresetAndOneKindOfBudget()
    {
        Assert.Contains("give --models LIST or --preset", Run("experiment", "--store", "s", "--out", "o", "--epochs", "1").Error);
        Assert.Contains("--preset 'sizes'", Run("experiment", "--store", "s", "--out", "o", "--preset", "sizes", "--epochs", "1").Error);
        Assert.Contains("--budget-minutes M (equal time) or --epochs N", Run("experiment", "--store", "s", "--out", "o", "--preset", "filters").Error);
        var (code, _, error) = Run("experiment", "--store", "s", "--out", "o", "--preset", "filters", "--epochs", "0");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--epochs 0: must be at least 1", error);
        Assert.Contains("--models: give at least one", Run("experiment", "--store", "s", "--out", "o", "--models", ",", "--epochs", "1").Error);
    }
}
