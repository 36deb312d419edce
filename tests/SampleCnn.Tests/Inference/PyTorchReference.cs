using System.Diagnostics;
using System.Text.Json;

namespace SampleCnn.Tests.Inference;

/// <summary>Runs bench/published_reference.py: a published layout built in PyTorch, its file, its input and its scores.</summary>
static class PyTorchReference
{
    public const string Python = "/usr/bin/python3";

    static readonly Lazy<bool> available = new(() => File.Exists(Python) && Run("-c", "import torch").Code == 0);

    public static bool Available => available.Value;

    /// <summary>Builds the layout with <paramref name="outputs"/> outputs, saves it to <paramref name="weights"/>; returns its input and its scores.</summary>
    public static (float[] Input, float[] Scores) Published(string layout, string weights, int outputs, bool legacy = false)
    {
        var input = weights + ".f32";
        var script = Path.Combine(RepositoryRoot(), "bench", "published_reference.py");
        var (code, output, error) = Run([script, layout, weights, input, "--outputs", outputs.ToString(System.Globalization.CultureInfo.InvariantCulture), .. legacy ? ["--legacy"] : Array.Empty<string>()]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var scores = json.RootElement.GetProperty("scores").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        return (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(input)).ToArray(), scores);
    }

    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "SampleCnn.slnx"))) folder = folder.Parent!;
        return folder.FullName;
    }
}
