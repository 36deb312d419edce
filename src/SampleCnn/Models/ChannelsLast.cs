using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The training layout of the waveform layers: a Conv1d run as a conv2d on [batch, channels, 1, length] stored
/// channels-last, so that oneDNN's convolutions, BatchNorm and the max-pool all take their channels-last kernels
/// (BatchNorm's statistics and the pool, vectorised over channels, cost a third and under a tenth of their contiguous forms).
/// The same operations on the same numbers; only the summation order inside the kernels differs (float rounding).
/// Layers hand each other [batch, channels, length] views of channels-last storage (<see cref="Squeezed"/>).
/// </summary>
internal static class ChannelsLast
{
    /// <summary>Whether a layer takes this layout: in training, with gradients flowing (inference keeps its own paths).</summary>
    public static bool Applies(nn.Module module) => module.training && is_grad_enabled();

    /// <summary>
    /// The conv's output for <paramref name="x"/> [batch, channels, length] as [batch, out, 1, length'] channels-last;
    /// x is a view when it is stored channels-last, a copy otherwise.
    /// </summary>
    public static Tensor Conv(Conv1d conv, Tensor x, long stride, long padding) =>
        nn.functional.conv2d(Rows(x), conv.weight!.unsqueeze(2), conv.bias, strides: [1, stride], padding: [0, padding]);

    /// <summary>[batch, channels, 1, length] channels-last back to [batch, channels, length], a view.</summary>
    public static Tensor Squeezed(Tensor y) => y.squeeze(2);

    static Tensor Rows(Tensor x)
    {
        long batch = x.shape[0], channels = x.shape[1], length = x.shape[2];
        // One channel: channels-last and contiguous are the same storage; strides with the channel's 1 say which.
        if (channels == 1 && x.is_contiguous()) return x.as_strided([batch, 1, 1, length], [length, 1, length, 1], x.storage_offset());
        if (x.stride(1) != 1 || x.stride(2) != channels) x = x.transpose(1, 2).contiguous().transpose(1, 2);
        return x.unsqueeze(2);
    }
}
