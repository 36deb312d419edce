namespace SampleCnn.Models;

/// <summary>One row of a model's layer table: what the layer is and what it produces for one segment.</summary>
/// <param name="Layer">Name in the paper's terms: layer 1, module i, 1x1 conv, dense.</param>
/// <param name="Operation">Kernel and stride, e.g. "conv 3/1 + BN + ReLU, max-pool 3".</param>
/// <param name="Channels">Output channels (features for dense layers).</param>
/// <param name="Length">Output length in time steps (1 for dense layers).</param>
/// <param name="Parameters">Trainable parameters of this layer, counted from the module itself.</param>
/// <param name="MultiplyAccumulates">Multiply-accumulates of its convolutions and dense layers (weights only).</param>
public sealed record LayerRow(string Layer, string Operation, long Channels, long Length, long Parameters, long MultiplyAccumulates);
