using TorchSharp;

namespace SampleCnn.Models;

internal static class Parameters
{
    /// <summary>Trainable parameter count of a module and its children.</summary>
    public static long Count(this torch.nn.Module module) => module.parameters().Sum(p => p.numel());
}
