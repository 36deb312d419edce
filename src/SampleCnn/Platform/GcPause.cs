using System.Runtime;

namespace SampleCnn.Platform;

/// <summary>
/// Holds off garbage collection while a block of TorchSharp calls runs. TorchSharp passes the native
/// handles of temporary Scalars (e.g. BatchNorm's num_batches_tracked.add_(1), an optimizer's alpha) to
/// libtorch without keeping the Scalar objects alive; a collection started by another thread during the
/// call can finalize them and free the native Scalar in use, which libtorch then reports as
/// "Expected false to be true ... toLong" (seen here mid-training, with the batch loader allocating on its
/// thread). Collections between blocks are harmless: those calls have returned.
/// </summary>
public static class GcPause
{
    // Room for what all threads allocate during one block (a training step allocates a few MB).
    const long Budget = 64L << 20;

    public static IDisposable Begin()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return Nothing.Instance;
        try
        {
            return GC.TryStartNoGCRegion(Budget) ? Region.Instance : Nothing.Instance;
        }
        catch (InvalidOperationException)
        {
            return Nothing.Instance; // another thread holds a region
        }
    }

    sealed class Region : IDisposable
    {
        public static readonly Region Instance = new();

        public void Dispose()
        {
            // The region ends by itself when the budget is exceeded; only end one that is still on.
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { }
        }
    }

    sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();
        public void Dispose() { }
    }
}
