using System.ComponentModel;
using SampleCnn.Platform;
using Spectre.Console.Cli;
using TorchSharp;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of the verbs that run a trained model: which one, and on what device (as <see cref="DeviceSettings"/>).</summary>
internal class TrainedModelSettings : ModelSettings
{
    [CommandOption("--device <DEVICE>")]
    [Description(DeviceSettings.DeviceHelp)]
    [DefaultValue(DeviceChoice.Default)]
    public string Device { get; init; } = DeviceChoice.Default;

    [CommandOption("--threads <N>")]
    [Description(DeviceSettings.ThreadsHelp)]
    public int? Threads { get; init; }

    /// <summary>Applies --threads and resolves --device.</summary>
    public torch.Device Apply() => DeviceSettings.Apply(Device, Threads);
}
