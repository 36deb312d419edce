using Google.Protobuf;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// `export`: a trained model's weights written as a PyTorch state_dict, for bench/reference.py's module. A state_dict
/// holds tensors only: whoever opens it gives the spec (with its rate, e.g. 3^9@16000) and tags, as
/// <see cref="ModelOpenOptions"/> does; the returned <see cref="ModelInfo"/> says both.
/// </summary>
public static class ModelExport
{
    /// <returns>What was exported (the file written is <paramref name="pytorchPath"/>).</returns>
    public static ModelInfo ToPyTorch(string model, ModelOpenOptions options, string pytorchPath)
    {
        using var opened = TrainedModel.OpenCnn(model, options, CPU, "exported");
        StateDict.Save(opened.Cnn!, pytorchPath);
        return opened.Info;
    }

    /// <summary>
    /// The model as ONNX (opset 17: input <c>waveform</c> [batch, 1, samples] at the model's rate, output <c>scores</c>
    /// [batch, tags]); its metadata carries the spec, the sample rate and the tags (one per line), so the file is
    /// self-describing for ONNX Runtime users.
    /// </summary>
    /// <param name="int8Store">
    /// A store whose training split calibrates a static int8 network (<see cref="Int8Calibration"/>): convolutions in
    /// 8 bits, which ONNX Runtime runs several times faster than fp32, with scores that differ slightly
    /// (bench/RESULTS.md has the speed and the change in ROC-AUC); null: the fp32 network.
    /// </param>
    public static ModelInfo ToOnnx(string model, ModelOpenOptions options, string onnxPath, string? int8Store = null)
    {
        using var opened = TrainedModel.OpenCnn(model, options, CPU, "exported");
        var metadata = new Dictionary<string, string>
        {
            ["spec"] = opened.Info.Spec,
            ["sample_rate"] = opened.Info.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["segment_samples"] = opened.Info.SegmentSamples.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tags"] = string.Join('\n', opened.Tags),
        };
        Dictionary<string, (float Min, float Max)>? ranges = null;
        if (int8Store is not null)
        {
            ranges = Int8Calibration.Ranges(opened.Cnn!, int8Store);
            metadata["precision"] = $"int8, calibrated on {Int8Calibration.Segments} training segments of {Path.GetFullPath(int8Store)}";
        }
        Onnx.ModelProto onnx;
        try { onnx = opened.Cnn!.ToOnnx(metadata, ranges); }
        catch (NotSupportedException e) { throw new ArgumentException($"{opened.Info.Path}: {e.Message}", e); }
        Platform.AtomicFile.Write(onnxPath, onnx.WriteTo);
        return opened.Info;
    }
}
