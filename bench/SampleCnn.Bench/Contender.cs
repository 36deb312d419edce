using System.Diagnostics;
using System.Text.Json;

namespace SampleCnn.Bench;

/// <summary>One side of a comparison: a worker process that times its own iterations and prints one JSON line.</summary>
sealed record Contender(string Label, string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null)
{
    public Run Execute()
    {
        var start = new ProcessStartInfo(FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in Arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in Environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {FileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Label} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonSerializer.Deserialize<Run>(json, Json.Options) ?? throw new InvalidOperationException($"{Label} printed no result");
    }
}
