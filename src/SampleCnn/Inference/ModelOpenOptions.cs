using SampleCnn.Models;

namespace SampleCnn.Inference;

/// <summary>How to open a trained model, and what the model file does not carry itself.</summary>
/// <param name="Checkpoint">For a run folder: best, last, or a checkpoint file.</param>
/// <param name="Spec">For a PyTorch state_dict of ours: the model spec (e.g. 3^9, or 3^9@16000 for weights trained at 16 kHz)
/// its weights are for; a state_dict holds tensors only, so its sample rate comes from here (a published layout knows its own).</param>
/// <param name="TagsFile">For a state_dict or TorchScript: its tags, one per line in output order, or a published list's name
/// (mtat, jamendo: Won et al.'s; their 50-output files default to mtat).</param>
/// <param name="SegmentSamples">For TorchScript: its input length in samples at <paramref name="SampleRate"/>.</param>
/// <param name="SampleRate">For TorchScript: the rate it reads audio at (the paper's 22050 Hz by default).</param>
/// <param name="ThresholdsFile">The model's tuned thresholds, when not where `evaluate` keeps them (<see cref="Runs.RunFolder.ThresholdsOf"/>).</param>
public sealed record ModelOpenOptions(string Checkpoint = "best", string? Spec = null, string? TagsFile = null, int? SegmentSamples = null,
    int SampleRate = ModelSpec.DefaultSampleRate, string? ThresholdsFile = null);
