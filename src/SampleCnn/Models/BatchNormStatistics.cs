using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Which statistics the BatchNorm layers of the front end and the modules (the layers with filters over time)
/// normalise with. Outside any scope each layer behaves as usual (running statistics in eval mode, batch
/// statistics in training). Inside <see cref="FromEachInput"/> every input item is normalised with its own
/// mean and variance per channel over time: what Keras's training phase does on a batch of one, as in the
/// authors' filter visualisation. That path is a functional instance norm given no running statistics, so
/// it can neither read nor update them. Like no_grad(), a scope holds for the thread that opened it.
/// </summary>
internal static class BatchNormStatistics
{
    [ThreadStatic] static int inputScopes;

    public static IDisposable FromEachInput()
    {
        inputScopes++;
        return new Scope();
    }

    /// <summary>The BatchNorm layer applied under the current thread's scope.</summary>
    internal static Tensor Normalize(this BatchNorm1d bn, Tensor x) =>
        inputScopes > 0 ? nn.functional.instance_norm(x, weight: bn.weight, bias: bn.bias, eps: bn.eps) : BatchNormForward.Forward(bn, x);

    sealed class Scope : IDisposable
    {
        bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            inputScopes--;
        }
    }
}
