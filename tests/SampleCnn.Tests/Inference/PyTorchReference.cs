using System.Diagnostics;
using System.Text.Json;

namespace SampleCnn.Tests.Inference;

/// <summary>Runs bench/published_reference.py: a published layout built in PyTorch, its file and its scores of a segment.</summary>
static class PyTorchReference
{
    public const string Python = "/usr/bin/python3";

    static readonly Lazy<bool> available = new(() => File.Exists(Python) && Run("-c", "import torch").Code == 0);

    public static bool Available => available.Value;

    /// <summary>
    /// Builds the layout with <paramref name="outputs"/> outputs, saves it to <paramref name="weights"/> and returns its
    /// scores of <paramref name="segment"/> (one segment at the layout's rate).
    /// </summary>
    public static float[] Published(string layout, string weights, int outputs, float[] segment, bool legacy = false)
    {
        var input = weights + ".f32";
        File.WriteAllBytes(input, System.Runtime.InteropServices.MemoryMarshal.AsBytes(segment.AsSpan()).ToArray());
        var script = Path.Combine(RepositoryRoot(), "bench", "published_reference.py");
        var (code, output, error) = Run([script, layout, weights, input, "--outputs", outputs.ToString(System.Globalization.CultureInfo.InvariantCulture), .. legacy ? ["--legacy"] : Array.Empty<string>()]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("scores").EnumerateArray().Select(e => e.GetSingle()).ToArray();
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
