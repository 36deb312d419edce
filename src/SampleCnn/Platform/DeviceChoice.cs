using TorchSharp;

namespace SampleCnn.Platform;

/// <summary>The device option: auto (CUDA when torch sees it, else CPU), cpu or cuda.</summary>
public static class DeviceChoice
{
    public const string Forms = "auto, cpu, cuda";

    public const string Default = "auto";

    public static torch.Device Resolve(string device) => device.Trim().ToLowerInvariant() switch
    {
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        "cpu" => torch.CPU,
        "cuda" => torch.cuda.is_available()
            ? torch.CUDA
            : throw new OptionException(nameof(device), "device", "cuda", "no CUDA device is available (this build uses the CPU libtorch; build with -p:TorchBackend=cuda on a CUDA machine)"),
        _ => throw new OptionException(nameof(device), "device", $"'{device}'", $"expected one of {Forms}"),
    };
}
