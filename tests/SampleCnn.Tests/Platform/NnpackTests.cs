using System.Diagnostics;
using SampleCnn.Models;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Platform;

public class NnpackTests
{
    /// <summary>
    /// NNPACK initialises here, so the CPU NNPACK refuses is stood in for by a preloaded nnp_initialize that
    /// answers "unsupported hardware" (libtorch calls it through its PLT). `tag --threads 1` reaches a
    /// convolution MKL-DNN declines (a 1x1 kernel on a batch of 6 segments, one thread), where libtorch asks whether
    /// NNPACK could run it.
    /// </summary>
    [Fact]
    public void LibtorchNeverPrintsTheNnpackWarningOnACpuNnpackDoesNotSupport()
    {
        if (!OperatingSystem.IsLinux()) return; // LD_PRELOAD is how the test stands in for the CPU
        using var scratch = new Fixtures.Scratch();
        var shim = Path.Combine(scratch.Folder, "libnnpack-unsupported.so");
        var source = scratch.Write("shim.c", "int nnp_initialize(void) { return 51; /* nnp_status_unsupported_hardware */ }\n"u8.ToArray());
        var (compiled, _, compileErrors) = Run("cc", ["-shared", "-fPIC", "-o", shim, source], []);
        Assert.True(compiled == 0, "cc could not build the NNPACK stand-in: " + compileErrors);

        var checkpoint = Path.Combine(scratch.Folder, "tiny.ckpt");
        string[] tags = ["a", "b"];
        manual_seed(3);
        using (var model = new TaggingCnn(ModelSpec.Parse("3^6"), tags.Length))
            Checkpoint.Save(checkpoint, new TrainingState("3^6", tags, 0.5, 1, 0, 0.5, 0, null), model,
                optim.SGD(model.parameters(), 0.01));

        var cli = Path.Combine(AppContext.BaseDirectory, "SampleCnn.Cli");
        var (exit, output, errors) = Run(cli, ["tag", Fixtures.PathOf("pcm16-stereo-11k.wav"), "--model", checkpoint, "--threads", "1", "--json"],
            [("LD_PRELOAD", shim)]);
        Assert.True(exit == 0, output + errors);
        Assert.Contains("pcm16-stereo-11k.wav", output);
        Assert.DoesNotContain("NNPACK", errors);
    }

    static (int Exit, string Output, string Errors) Run(string file, string[] arguments, (string, string)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }
}
