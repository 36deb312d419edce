namespace SampleCnn.Tagging;

/// <summary>What runs the network when tagging: libtorch (TorchSharp), or ONNX Runtime on the graph our network writes
/// (<c>export --onnx</c>; fp32, scores within 1e-5 of libtorch's), or that graph with 8-bit convolutions (dynamic
/// quantisation; scores differ: bench/RESULTS.md has the speeds and differences).</summary>
public enum TaggerEngine { Torch, Onnx, OnnxInt8 }
