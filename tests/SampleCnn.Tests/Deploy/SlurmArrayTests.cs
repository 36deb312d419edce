using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SampleCnn.Tests.Deploy;

/// <summary>deploy/slurm/tag-array.sh: bash syntax, sbatch's directives, and the worker's command line.</summary>
public class SlurmArrayTests
{
    static readonly string Path = WorkerCommand.File("deploy", "slurm", "tag-array.sh");
    static readonly string[] Lines = File.ReadAllLines(Path);

    [Fact]
    public void BashAcceptsTheScript()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(Path);
        using var bash = Process.Start(info)!;
        var error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, error);
    }

    [Fact]
    public void SbatchReadsEveryDirectiveTheArrayNeeds()
    {
        // sbatch stops reading #SBATCH lines at the first command: all of them must come before it.
        var firstCommand = Array.FindIndex(Lines, l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        var lastDirective = Array.FindLastIndex(Lines, l => l.StartsWith("#SBATCH", StringComparison.Ordinal));
        Assert.InRange(lastDirective, 0, firstCommand - 1);
        foreach (var name in new[] { "--array", "--cpus-per-task", "--mem", "--time", "--requeue" })
            Assert.True(Directive(name) != null, $"no #SBATCH {name}");
        Assert.Matches(@"^\d+(-\d+)?(:\d+){0,2}$", Directive("--time"));
    }

    [Fact]
    public void TheArrayHasOneTaskPerShard()
    {
        var range = Regex.Match(Directive("--array")!, @"^0-(\d+)(%\d+)?$");
        Assert.True(range.Success, "--array is not 0-LAST[%LIMIT]");
        var shards = int.Parse(Regex.Match(string.Join('\n', Lines), @"^SHARDS=(\d+)$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(shards, int.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture) + 1);
        Assert.Equal("$SLURM_ARRAY_TASK_ID/$SHARDS", WorkerCommand.ValueOf(Args(), "--shard"));
    }

    [Fact]
    public void TheWorkerRunsTagWithOptionsTheCliHasOnTheCpusItAskedFor()
    {
        var args = Args();
        WorkerCommand.RequireKnownFlags(args, "tag-array.sh");
        Assert.Equal("$SLURM_CPUS_PER_TASK", WorkerCommand.ValueOf(args, "--threads"));
        var mem = Regex.Match(Directive("--mem")!, @"^(\d+)([KMGT]?)$");
        Assert.True(mem.Success, "--mem is not a number with a K/M/G/T unit");
        // Slurm's units are powers of 1024, megabytes when none is given.
        var bytes = long.Parse(mem.Groups[1].Value, CultureInfo.InvariantCulture) << (mem.Groups[2].Value switch { "K" => 10, "G" => 30, "T" => 40, _ => 20 });
        Assert.True(bytes >= WorkerCommand.MeasuredPeakBytes, $"--mem {Directive("--mem")} is under tag's measured peak");
    }

    [Fact]
    public void BothWaysOfRunningTheWorkerAreOffered()
    {
        Assert.Contains(Lines, l => l.StartsWith("srun apptainer run ", StringComparison.Ordinal) && l.EndsWith("\"${args[@]}\"", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.StartsWith("# srun ", StringComparison.Ordinal) && l.Contains("/SampleCnn.Cli\" \"${args[@]}\"", StringComparison.Ordinal));
    }

    static string? Directive(string name) => Lines
        .Where(l => l.StartsWith("#SBATCH " + name, StringComparison.Ordinal))
        .Select(l => l["#SBATCH ".Length..].Split('#')[0].Trim())
        .Where(d => d == name || d.StartsWith(name + "=", StringComparison.Ordinal))
        .Select(d => d.Contains('=') ? d[(d.IndexOf('=') + 1)..] : "")
        .SingleOrDefault();

    /// <summary>The words of the script's args=(...) array, unquoted.</summary>
    static string[] Args()
    {
        var start = Array.FindIndex(Lines, l => l.StartsWith("args=(", StringComparison.Ordinal));
        var end = Array.FindIndex(Lines, start, l => l.TrimEnd().EndsWith(')'));
        Assert.True(start >= 0 && end >= start, "no args=(...) in the script");
        var text = string.Join(' ', Lines[start..(end + 1)]).Trim()["args=(".Length..^1];
        return Regex.Matches(text, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToArray();
    }
}
