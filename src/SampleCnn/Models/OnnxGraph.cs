using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Builds an ONNX graph (opset 17, OnnxSharp's protobuf types) from our modules, which add their own nodes
/// (<see cref="IOnnxNodes"/>). Weights keep their state_dict names (a convolution's with a height axis of 1: the
/// graph runs on a one-row image, see <see cref="Conv"/>); BatchNorm stays a BatchNormalization node with the running
/// statistics unless the model was folded (ONNX Runtime's optimiser is documented to fuse it into the convolution), so
/// the file is the eval-mode network.
/// </summary>
internal sealed class OnnxGraph
{
    public const int Opset = 17;

    readonly GraphProto graph = new() { Name = "SampleCnn" };
    readonly IReadOnlyDictionary<string, (float Min, float Max)>? ranges;
    readonly Dictionary<string, Quantization> quantized = [];
    int nodes;

    /// <param name="ranges">
    /// Activation ranges from a calibration pass, by the names <see cref="Quantized"/> is given: with them the graph is
    /// static int8 in ONNX's QDQ form (QuantizeLinear/DequantizeLinear pairs, uint8 activations, int8 weights per
    /// output channel), which ONNX Runtime fuses into its 8-bit kernels (QLinearConv).
    /// </param>
    public OnnxGraph(IReadOnlyDictionary<string, (float Min, float Max)>? ranges = null)
    {
        this.ranges = ranges;
        Waveform = Node("Unsqueeze", [Input, Int64s("height_axis", 2)]);
    }

    /// <summary>The input [batch, 1, samples] as the first layer reads it, a one-row image [batch, 1, 1, samples].</summary>
    public string Waveform { get; }

    /// <summary>A uint8 quantization of an activation: the names of its scale and zero point, and the scale.</summary>
    readonly record struct Quantization(string Scale, string Zero, float ScaleValue);

    /// <summary>A float32 weight, named as in the state_dict.</summary>
    public string Weight(string name, Tensor value)
    {
        using var scope = NewDisposeScope();
        return Constant(name, TensorProto.Types.DataType.Float, value.shape, Bytes(value.detach().cpu().to(float32).contiguous().data<float>().ToArray()));
    }

    string Constant(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> data)
    {
        var proto = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        proto.Dims.AddRange(dims);
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>
    /// <paramref name="tensor"/> through uint8 (QuantizeLinear, DequantizeLinear) over the calibrated range of
    /// <paramref name="key"/>; unchanged when the graph is fp32 or <paramref name="key"/> was not calibrated.
    /// </summary>
    public string Quantized(string key, string tensor)
    {
        if (ranges is null || !ranges.TryGetValue(key, out var range)) return tensor;
        float low = Math.Min(0, range.Min), high = Math.Max(0, range.Max);
        var scale = Math.Max(high - low, 1e-8f) / 255;
        var zero = (byte)Math.Clamp(Math.Round(-low / scale), 0, 255);
        var parameters = new Quantization(Constant($"{key}.scale", TensorProto.Types.DataType.Float, [], BitConverter.GetBytes(scale)),
            Constant($"{key}.zero_point", TensorProto.Types.DataType.Uint8, [], [zero]), scale);
        return QuantizeDequantize(tensor, parameters);
    }

    string QuantizeDequantize(string tensor, Quantization parameters)
    {
        var output = Node("DequantizeLinear", [Node("QuantizeLinear", [tensor, parameters.Scale, parameters.Zero]), parameters.Scale, parameters.Zero]);
        quantized[output] = parameters;
        return output;
    }

    /// <summary>An int64 constant (shapes and axes inputs).</summary>
    public string Int64s(string name, params long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node; returns the name of its output.</summary>
    public string Node(string op, string[] inputs, params (string Name, object Value)[] attributes)
    {
        var output = $"{op.ToLowerInvariant()}_{nodes++}";
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long[] ints => Ints(name, ints),
                _ => throw new ArgumentException($"attribute {name}: {value.GetType().Name} is not written"),
            });
        graph.Node.Add(node);
        return output;
    }

    static AttributeProto Ints(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>
    /// A Conv1d as PyTorch computes it: its stride, and zero padding <paramref name="padding"/> (null: "same", odd or
    /// even kernel). Written as a 2-D convolution over the one-row image (kernel [1, k]), since ONNX Runtime's
    /// blocked-layout (NCHWc) AVX-512 convolutions apply to 2-D convolutions only: bench/RESULTS.md has the speeds.
    /// </summary>
    public string Conv(Conv1d conv, string name, string input, long stride, long? padding)
    {
        long kernel = conv.weight!.shape[2];
        long total = kernel - 1; // "same": PyTorch puts the odd sample of padding at the end
        long[] pads = padding is { } p ? [0, p, 0, p] : [0, total / 2, 0, total - total / 2];
        using var weight = conv.weight.unsqueeze(2);
        string[] parameters = quantized.TryGetValue(input, out var inputQuantization) ? QuantizedWeights(conv, name, weight, inputQuantization)
            : conv.bias is null ? [Weight($"{name}.weight", weight)] : [Weight($"{name}.weight", weight), Weight($"{name}.bias", conv.bias)];
        return Node("Conv", [input, .. parameters], ("kernel_shape", Time(kernel)), ("strides", Time(stride)), ("pads", pads));
    }

    /// <summary>
    /// The weights of a convolution of a quantized input, dequantized: int8, symmetric, a scale per output channel; the
    /// bias int32 at the input's scale times the weight's, as ONNX Runtime's fusion into QLinearConv expects.
    /// </summary>
    string[] QuantizedWeights(Conv1d conv, string name, Tensor weight, Quantization input)
    {
        using var scope = NewDisposeScope();
        using Scalar levels = 127f.ToScalar(), lowest = (-127f).ToScalar(), tiny = 1e-12f.ToScalar(), inputScale = input.ScaleValue.ToScalar(); // kept alive: see KeptScalars
        var w = weight.detach().cpu().to(float32);
        var channels = w.shape[0];
        var scale = w.abs().reshape(channels, -1).amax(1).clamp_min(tiny).div(levels);
        var q = (w / scale.view(-1, 1, 1, 1)).round().clamp(lowest, levels).to(ScalarType.Int8).contiguous();
        var dequantized = Node("DequantizeLinear", [Constant($"{name}.weight_int8", TensorProto.Types.DataType.Int8, w.shape, Bytes(q.data<sbyte>().ToArray())),
            Weight($"{name}.weight_scale", scale), Constant($"{name}.weight_zero_point", TensorProto.Types.DataType.Int8, [channels], new byte[channels])], ("axis", 0L));
        if (conv.bias is null) return [dequantized];
        var biasScale = scale.mul(inputScale);
        var bias = (conv.bias.detach().cpu().to(float32) / biasScale).round().to(ScalarType.Int32).contiguous();
        return [dequantized, Node("DequantizeLinear", [Constant($"{name}.bias_int32", TensorProto.Types.DataType.Int32, [channels], Bytes(bias.data<int>().ToArray())),
            Weight($"{name}.bias_scale", biasScale), Constant($"{name}.bias_zero_point", TensorProto.Types.DataType.Int32, [channels], new byte[channels * 4])], ("axis", 0L))];
    }

    static ReadOnlySpan<byte> Bytes<T>(T[] values) where T : struct => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());

    /// <summary>A size along time, as a kernel or stride attribute of the one-row image.</summary>
    static long[] Time(long size) => [1, size];

    /// <summary>[batch, channels, 1, time] reduced over time to [batch, channels] (ReduceMax, ReduceMean).</summary>
    public string OverTime(string op, string input) => Node(op, [input], ("axes", new[] { 2L, 3L }), ("keepdims", 0L));

    /// <summary>[batch, channels] as [batch, channels, 1, 1], which broadcasts along time.</summary>
    public string AlongTime(string name, string perChannel) => Node("Unsqueeze", [perChannel, Int64s(name, 2, 3)]);

    /// <summary>An eval-mode BatchNorm1d (running statistics) on [N, C] or [N, C, 1, L].</summary>
    public string BatchNorm(BatchNorm1d bn, string name, string input) =>
        Node("BatchNormalization", [input, Weight($"{name}.weight", bn.weight!), Weight($"{name}.bias", bn.bias!),
            Weight($"{name}.running_mean", bn.running_mean!), Weight($"{name}.running_var", bn.running_var!)], ("epsilon", (float)bn.eps));

    /// <summary>The BatchNorm after a convolution, unless it was folded into the convolution's weights.</summary>
    public string FoldedOr(bool folded, BatchNorm1d bn, string name, string conv) => folded ? conv : BatchNorm(bn, name, conv);

    /// <summary>A Linear on [N, in]: Gemm with the weight transposed, as PyTorch stores it.</summary>
    public string Linear(Linear linear, string name, string input) =>
        Node("Gemm", [input, Weight($"{name}.weight", linear.weight!), Weight($"{name}.bias", linear.bias!)], ("transB", 1L));

    public string Relu(string input) => Node("Relu", [input]);

    /// <summary>Max pooling; a quantized input's output keeps its quantization (so ONNX Runtime pools the uint8 values).</summary>
    public string MaxPool(string input, long size)
    {
        if (size == 1) return input;
        var output = Node("MaxPool", [input], ("kernel_shape", Time(size)), ("strides", Time(size)));
        return quantized.TryGetValue(input, out var parameters) ? QuantizeDequantize(output, parameters) : output;
    }

    public const string Input = "waveform", Output = "scores", Embedding = "embedding";

    /// <summary>
    /// The model with input <see cref="Input"/> [batch, 1, samples] and outputs <see cref="Output"/>, the sigmoids of
    /// <paramref name="logits"/> [batch, tags], then <see cref="Embedding"/>, the <paramref name="penultimate"/> vector
    /// [batch, 512] the dense output layer reads (a second output, so a graph that only tags keeps reading the first).
    /// </summary>
    public ModelProto Model(long samples, string logits, string penultimate, long tags, IReadOnlyDictionary<string, string> metadata)
    {
        Named("Sigmoid", logits, Output);
        Named("Identity", penultimate, Embedding);
        var batch = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        graph.Input.Add(Value(Input, batch, 1, samples));
        graph.Output.Add(Value(Output, batch, tags));
        graph.Output.Add(Value(Embedding, batch, ClassifierHead.Width));
        var model = new ModelProto { IrVersion = 8, ProducerName = "SampleCnn", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>A node whose output is one of the graph's outputs, named <paramref name="output"/>.</summary>
    void Named(string op, string input, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.Add(input);
        node.Output.Add(output);
        graph.Node.Add(node);
    }

    static ValueInfoProto Value(string name, TensorShapeProto.Types.Dimension first, params long[] rest)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(first);
        foreach (var size in rest) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
