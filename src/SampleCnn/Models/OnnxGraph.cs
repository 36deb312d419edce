using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Builds an ONNX graph (opset 17, OnnxSharp's protobuf types) from our modules, which add their own nodes
/// (<see cref="IOnnxNodes"/>). Weights keep their state_dict names; BatchNorm stays a BatchNormalization node with
/// the running statistics (ONNX Runtime's optimiser is documented to fuse it into the convolution), so the file is the eval-mode network.
/// </summary>
internal sealed class OnnxGraph
{
    public const int Opset = 17;

    readonly GraphProto graph = new() { Name = "SampleCnn" };
    int nodes;

    /// <summary>A float32 weight, named as in the state_dict.</summary>
    public string Weight(string name, Tensor value)
    {
        using var scope = NewDisposeScope();
        var data = value.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())) };
        proto.Dims.AddRange(value.shape);
        graph.Initializer.Add(proto);
        return name;
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

    /// <summary>A Conv1d as PyTorch computes it: its stride, and zero padding <paramref name="padding"/> (null: "same", odd or even kernel).</summary>
    public string Conv(Conv1d conv, string name, string input, long stride, long? padding)
    {
        long kernel = conv.weight!.shape[2];
        long total = kernel - 1; // "same": PyTorch puts the odd sample of padding at the end
        long[] pads = padding is { } p ? [p, p] : [total / 2, total - total / 2];
        var inputs = conv.bias is null ? new[] { input, Weight($"{name}.weight", conv.weight) } : [input, Weight($"{name}.weight", conv.weight), Weight($"{name}.bias", conv.bias)];
        return Node("Conv", inputs, ("kernel_shape", new[] { kernel }), ("strides", new[] { stride }), ("pads", pads));
    }

    /// <summary>An eval-mode BatchNorm1d (running statistics) on [N, C] or [N, C, L].</summary>
    public string BatchNorm(BatchNorm1d bn, string name, string input) =>
        Node("BatchNormalization", [input, Weight($"{name}.weight", bn.weight!), Weight($"{name}.bias", bn.bias!),
            Weight($"{name}.running_mean", bn.running_mean!), Weight($"{name}.running_var", bn.running_var!)], ("epsilon", (float)bn.eps));

    /// <summary>A Linear on [N, in]: Gemm with the weight transposed, as PyTorch stores it.</summary>
    public string Linear(Linear linear, string name, string input) =>
        Node("Gemm", [input, Weight($"{name}.weight", linear.weight!), Weight($"{name}.bias", linear.bias!)], ("transB", 1L));

    public string Relu(string input) => Node("Relu", [input]);

    public string MaxPool(string input, long size) => size == 1 ? input : Node("MaxPool", [input], ("kernel_shape", new[] { size }), ("strides", new[] { size }));

    public const string Input = "waveform", Output = "scores";

    /// <summary>The model with input <see cref="Input"/> [batch, 1, samples] and output <see cref="Output"/>, the sigmoids of <paramref name="logits"/> [batch, tags].</summary>
    public ModelProto Model(long samples, string logits, long tags, IReadOnlyDictionary<string, string> metadata)
    {
        var sigmoid = new NodeProto { OpType = "Sigmoid", Name = Output };
        sigmoid.Input.Add(logits);
        sigmoid.Output.Add(Output);
        graph.Node.Add(sigmoid);
        graph.Input.Add(Value(Input, new TensorShapeProto.Types.Dimension { DimParam = "batch" }, 1, samples));
        graph.Output.Add(Value(Output, new TensorShapeProto.Types.Dimension { DimParam = "batch" }, tags));
        var model = new ModelProto { IrVersion = 8, ProducerName = "SampleCnn", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    static ValueInfoProto Value(string name, TensorShapeProto.Types.Dimension first, params long[] rest)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(first);
        foreach (var size in rest) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
