using System.ComponentModel;
using SampleCnn.Platform;
using Spectre.Console.Cli;
using TorchSharp;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of every verb that runs a model: where, and on how many threads (<see cref="TrainedModelSettings"/> has them too).</summary>
internal class DeviceSettings : CommandSettings
{
    public const string DeviceHelp = "auto (CUDA when available), cpu or cuda.";
    public const string ThreadsHelp = "CPU threads for torch (default: every core).";

    [CommandOption("--device <DEVICE>")]
    [Description(DeviceHelp)]
    [DefaultValue(DeviceChoice.Default)]
    public string Device { get; init; } = DeviceChoice.Default;

    [CommandOption("--threads <N>")]
    [Description(ThreadsHelp)]
    public int? Threads { get; init; }

    /// <summary>Applies --threads and resolves --device.</summary>
    public torch.Device Apply() => Apply(Device, Threads);

    public static torch.Device Apply(string device, int? threads)
    {
        if (threads is < 1) throw new ArgumentException($"--threads {threads}: must be at least 1");
        NativeRuntime.Initialize(threads);
        return DeviceChoice.Resolve(device);
    }
}
