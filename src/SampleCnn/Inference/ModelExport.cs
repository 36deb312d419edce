using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>`export`: a trained model's weights written as a PyTorch state_dict, for bench/reference.py's module.</summary>
public static class ModelExport
{
    /// <returns>What was exported (the file written is <paramref name="pytorchPath"/>).</returns>
    public static ModelInfo ToPyTorch(string model, ModelOpenOptions options, string pytorchPath)
    {
        using var opened = TrainedModel.OpenCnn(model, options, CPU, "exported");
        StateDict.Save(opened.Cnn!, pytorchPath);
        return opened.Info;
    }
}
