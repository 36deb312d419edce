using System.ComponentModel;
using SampleCnn.Inference;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of the verbs that use a trained model: which one, and on what device.</summary>
internal class TrainedModelSettings : DeviceSettings
{
    [CommandOption("-m|--model <RUN_OR_CHECKPOINT>")]
    [Description("A run folder (its best checkpoint) or a checkpoint file.")]
    public string Model { get; init; } = "";

    [CommandOption("--checkpoint <NAME>")]
    [Description("best or last, for a run folder.")]
    [DefaultValue("best")]
    public string Checkpoint { get; init; } = "best";

    /// <summary>How the library opens --model (<see cref="TrainedModel"/>), as far as these options say.</summary>
    public ModelOpenOptions OpenOptions => new(Checkpoint);
}
