using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// A tagger scripted in PyTorch (torch.jit.script or trace, then save): it must map [batch, 1, samples]
/// waveforms to [batch, tags] sigmoid scores. TorchScript carries no tag names, segment length or sample rate,
/// so those come with it: a text file of tags (<see cref="TagsFile"/>), the length and the rate (22050 Hz unless given).
/// </summary>
internal static class TorchScriptModel
{
    public static bool IsTorchScriptPath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".ts" or ".torchscript";

    public static (nn.IModule<Tensor, Tensor> Network, string[] Tags) Load(string path, string tagsFile, Device device)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: TorchScript file not found", path);
        var tags = TagsFile.Read(tagsFile);
        try
        {
            return (jit.load<Tensor, Tensor>(path, device), tags);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a TorchScript file this libtorch can load ({e.Message.Split('\n')[0]})", e);
        }
    }
}
