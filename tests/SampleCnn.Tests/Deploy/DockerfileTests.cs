using System.Text.RegularExpressions;

namespace SampleCnn.Tests.Deploy;

/// <summary>The Dockerfile's rules that the image build cannot check here (no container engine on these machines).</summary>
public class DockerfileTests
{
    // Instructions one a line: continuations joined, comments dropped (as docker reads them).
    static readonly string[] Steps = Regex.Replace(
            string.Join('\n', File.ReadAllLines(WorkerCommand.File("Dockerfile")).Where(l => !l.TrimStart().StartsWith('#'))), @"\\\n", " ")
        .Split('\n').Where(l => l.Trim().Length > 0).ToArray();

    static string[] Of(string instruction) => Steps.Where(s => s.StartsWith(instruction + " ", StringComparison.Ordinal))
        .Select(s => s[(instruction.Length + 1)..].Trim()).ToArray();

    [Fact]
    public void BothStagesAreOnOneDistroSoTheBuildsGlibcxxDecisionHolds()
    {
        // build/WeakenGlibcxxNeed.cs patches libLibTorchSharp.so or not from the build stage's libstdc++.
        var from = Of("FROM");
        Assert.Equal(2, from.Length);
        var build = Regex.Match(from[0], @"^mcr\.microsoft\.com/dotnet/sdk:10\.0-(\S+) AS build$");
        var runtime = Regex.Match(from[1], @"^mcr\.microsoft\.com/dotnet/(runtime|runtime-deps):10\.0-(\S+)$");
        Assert.True(build.Success && runtime.Success, string.Join(" / ", from));
        Assert.Equal(build.Groups[1].Value, runtime.Groups[2].Value);
        // A framework-dependent publish needs the runtime image; a self-contained one, runtime-deps.
        var publish = Assert.Single(Of("RUN"), r => r.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.Equal(runtime.Groups[1].Value == "runtime", publish.Contains("--self-contained false", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePublishRestoresAndBuildsTheCliForLinuxWithTheCpuLibtorch()
    {
        var run = Of("RUN");
        var restore = Assert.Single(run, r => r.StartsWith("dotnet restore", StringComparison.Ordinal));
        var publish = Assert.Single(run, r => r.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("src/SampleCnn.Cli/SampleCnn.Cli.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("--no-restore", publish, StringComparison.Ordinal);
        // --no-restore only works when the restore saw the same runtime and the same libtorch package.
        foreach (var option in new[] { "-r linux-x64", "-p:TorchBackend=cpu" })
        {
            Assert.Contains(option, restore, StringComparison.Ordinal);
            Assert.Contains(option, publish, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheWorkerIsSamplecnnRunAsANonRootUser()
    {
        Assert.Equal("[\"samplecnn\"]", Assert.Single(Of("ENTRYPOINT")));
        Assert.Contains(Of("RUN"), r => r == "ln -s /app/SampleCnn.Cli /usr/local/bin/samplecnn");
        var user = Assert.Single(Of("USER"));
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        Assert.Contains(Of("RUN"), r => Regex.IsMatch(r, @"apt-get install .*\bffmpeg\b"));
    }

    [Fact]
    public void TheDockerignoreKeepsWhatTheBuildCopies()
    {
        var patterns = File.ReadAllLines(WorkerCommand.File(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var sources = Of("COPY").Where(c => !c.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToArray();
        Assert.Contains("src/", sources);
        foreach (var source in sources)
        {
            Assert.True(File.Exists(WorkerCommand.File(source)) || Directory.Exists(WorkerCommand.File(source)), $"{source} is not in the repository");
            Assert.DoesNotContain(patterns, p => Excludes(p, source.TrimEnd('/')));
        }
    }

    // .dockerignore's patterns as this file uses them: "**/name/" anywhere, "name/" at the root, "*.ext" at the root.
    static bool Excludes(string pattern, string path)
    {
        var regex = "^" + Regex.Escape(pattern.TrimEnd('/')).Replace(@"\*\*/", "(.*/)?").Replace(@"\*", "[^/]*") + "(/.*)?$";
        return Regex.IsMatch(path, regex);
    }

    [Fact]
    public void TheBuildCheckScriptReadsTheDockerfileRatherThanRestatingIt()
    {
        var script = File.ReadAllText(WorkerCommand.File("scripts", "docker-build-check.sh"));
        Assert.Contains("$root/Dockerfile", script, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet publish", script, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get install -y", script, StringComparison.Ordinal);
    }
}
