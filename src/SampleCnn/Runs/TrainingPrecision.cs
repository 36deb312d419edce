namespace SampleCnn.Runs;

/// <summary>
/// The arithmetic of the training steps: fp32 throughout (<c>Fp32</c>, the paper's), or the forward pass under
/// bfloat16 autocast with fp32 weights, gradients, loss and optimizer (<c>Bf16</c>). Validation runs in fp32 either way.
/// </summary>
public enum TrainingPrecision { Fp32, Bf16 }
