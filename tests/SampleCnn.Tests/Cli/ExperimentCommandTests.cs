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
    public void ModelsOrAPresetAndOneKindOfBudget()
    {
        Assert.Contains("give --models LIST or --preset", Run("experiment", "--store", "s", "--out", "o", "--epochs", "1").Error);
        Assert.Contains("--preset 'sizes'", Run("experiment", "--store", "s", "--out", "o", "--preset", "sizes", "--epochs", "1").Error);
        Assert.Contains("--budget-minutes M (equal time) or --epochs N", Run("experiment", "--store", "s", "--out", "o", "--preset", "filters").Error);
    }
}
