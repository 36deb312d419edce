namespace SampleCnn.Tagging;

/// <summary>What runs the network when tagging: libtorch (TorchSharp), ONNX Runtime on the graph our network writes
/// (<c>export --onnx</c>; fp32, scores within 1e-5 of libtorch's), or our own fused Winograd F(6,3) code for the basic
/// m = 3 models (<c>Inference/WinogradNetwork</c>; fp32, within 1e-4). bench/RESULTS.md has the speeds.</summary>
public enum TaggerEngine { Torch, Onnx, Winograd }
