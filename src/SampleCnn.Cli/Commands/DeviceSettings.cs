using System.ComponentModel;
using SampleCnn.Platform;
using Spectre.Console.Cli;
using TorchSharp;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of every verb that runs a model: where, and on how many threads.</summary>
internal class DeviceSettings : CommandSettings
{
    [CommandOption("--device <DEVICE>")]
    [Description("auto (CUDA when available), cpu or cuda.")]
    [DefaultValue(DeviceChoice.Default)]
    public string Device { get; init; } = DeviceChoice.Default;

    [CommandOption("--threads <N>")]
    [Description("CPU threads for torch (default: every core).")]
    public int? Threads { get; init; }

    /// <summary>Applies --threads and resolves --device.</summary>
    public torch.Device Apply()
    {
        if (Threads is < 1) throw new ArgumentException($"--threads {Threads}: must be at least 1");
        NativeRuntime.Initialize(Threads);
        return DeviceChoice.Resolve(Device);
    }
}
