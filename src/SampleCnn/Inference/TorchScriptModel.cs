using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// A tagger scripted in PyTorch (torch.jit.script or trace, then save): it must map [batch, 1, samples]
/// waveforms at 22050 Hz to [batch, tags] sigmoid scores. TorchScript carries no tag names or segment
/// length, so those come with it: a text file of tags, one per line in output order, and the length.
/// </summary>
public static class TorchScriptModel
{
    public static bool IsTorchScriptPath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".ts" or ".torchscript";

    public static (nn.IModule<Tensor, Tensor> Network, string[] Tags) Load(string path, string tagsFile, Device device)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: TorchScript file not found", path);
        if (!File.Exists(tagsFile)) throw new FileNotFoundException($"{tagsFile}: tags file not found", tagsFile);
        var tags = File.ReadAllLines(tagsFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (tags.Length == 0) throw new InvalidDataException($"{tagsFile}: no tags (one per line)");
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
