using System.ComponentModel;
using SampleCnn.Inference;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

/// <summary>Options of the verbs that open a trained model: which one, and what its file does not say.</summary>
internal class ModelSettings : CommandSettings
{
    [CommandOption("-m|--model <RUN_OR_CHECKPOINT>")]
    [Description("A run folder (its best checkpoint), a checkpoint file, or a PyTorch state_dict (ours or a published layout).")]
    public string Model { get; init; } = "";

    [CommandOption("--checkpoint <NAME>")]
    [Description("best or last, for a run folder.")]
    [DefaultValue("best")]
    public string Checkpoint { get; init; } = "best";

    [CommandOption("--spec <SPEC>")]
    [Description("For a PyTorch state_dict of ours: its model spec (a published layout knows its own).")]
    public string? Spec { get; init; }

    [CommandOption("--tags <FILE>")]
    [Description("The model's tags, one per line in output order, or mtat / jamendo (Won et al.'s lists): for TorchScript, or a state_dict that carries none.")]
    public string? TagsFile { get; init; }

    /// <summary>How the library opens --model (<see cref="TrainedModel"/>), as far as these options say.</summary>
    public ModelOpenOptions OpenOptions => new(Checkpoint, Spec, TagsFile);
}
