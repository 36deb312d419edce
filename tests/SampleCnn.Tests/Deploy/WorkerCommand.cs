using System.Text.RegularExpressions;
using SampleCnn.Tests.Architecture;
using SampleCnn.Tests.Cli;

namespace SampleCnn.Tests.Deploy;

/// <summary>What the scheduler files in deploy/ ask of `samplecnn tag`, checked against the CLI itself.</summary>
static class WorkerCommand
{
    /// <summary>Peak RSS of `tag` measured for 3^9 at batch 32, fp32 (bench/RESULTS.md: 2778 MB): every memory request covers it.</summary>
    public const long MeasuredPeakBytes = 2_778_000_000;

    /// <summary>
    /// Issue 18's sharding options, written into the scheduler files before `tag` has them (another branch adds
    /// them). Once `tag --help` lists one it must leave this list, so that from then on it is checked like the rest.
    /// </summary>
    public static string File(params string[] parts) => Path.Combine([ArchitectureTests.RepositoryRoot(), .. parts]);

    /// <summary>Every option the command gives `tag` is one `tag --help` lists .</summary>
    public static void RequireKnownFlags(IReadOnlyList<string> args, string where)
    {
        Assert.Equal("tag", args[0]);
        var (code, help, _) = CliRunner.Run("tag", "--help");
        Assert.Equal(0, code);
        // The options column only: "  -m, --model <RUN>" or "      --threads <N>", not flags named in descriptions.
        var listed = Regex.Matches(help, @"^\s*(?:-\w, )?(--[a-z][a-z0-9-]*)", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("--threads", listed);
        foreach (var flag in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            Assert.True(listed.Contains(flag), $"{where} gives tag {flag}, which `tag --help` does not list");
    }

    /// <summary>The value that follows <paramref name="flag"/> in the command.</summary>
    public static string ValueOf(IReadOnlyList<string> args, string flag)
    {
        var at = args.ToList().IndexOf(flag);
        Assert.True(at >= 0 && at + 1 < args.Count, $"the command has no {flag} value");
        return args[at + 1];
    }
}
