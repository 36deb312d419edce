namespace SampleCnn.Tagging;

/// <summary>What runs the network when tagging: libtorch (TorchSharp), or ONNX Runtime on the graph our network writes
/// (<c>export --onnx</c>; fp32, scores within 1e-5 of libtorch's; bench/RESULTS.md has the speeds).</summary>
public enum TaggerEngine { Torch, Onnx }
