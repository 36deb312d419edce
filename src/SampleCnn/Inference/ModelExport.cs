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
}
