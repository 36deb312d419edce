using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SampleCnn.Models;
using SampleCnn.Platform;
using static TorchSharp.torch;
using SGD = SampleCnn.Training.SGD;

namespace SampleCnn.Tests.Platform;

/// <summary>
/// The block cache hands freed large blocks to later tensors (the same size, or a smaller one), leaves small tensors
/// and everything outside its scope to glibc and libtorch, and changes no number a training step computes.
/// </summary>
public sealed class TensorBlockCacheTests
{
    const long Floats = TensorBlockCache.MinimumBlockBytes; // 4 MB of float32

    /// <summary>The tensor's data address (its distance from address 0, without unsafe code).</summary>
    static nint Address(Tensor t) => Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(t.bytes));

    [Fact]
    public void AFreedBlockServesTheNextTensorOfItsSizeDownToHalf()
    {
        using var cache = TensorBlockCache.Scope();
        Assert.NotNull(cache); // x86-64 Linux with libtorch 2.10: the layouts checked hold
        nint first;
        using (var a = empty(Floats)) first = Address(a);
        Assert.True(TensorBlockCache.IdleBytes >= Floats * 4);
        long fresh = TensorBlockCache.FreshBlocks;
        using (var same = empty(Floats)) Assert.Equal(first, Address(same));
        using (var half = empty(Floats / 2)) Assert.Equal(first, Address(half));
        Assert.Equal(fresh, TensorBlockCache.FreshBlocks);
        // Under half the block (a tensor that may live on) or larger than it: fresh memory; a small tensor never
        // comes from the cache.
        using (var quarter = empty(Floats / 4)) Assert.NotEqual(first, Address(quarter));
        Assert.Equal(fresh + 1, TensorBlockCache.FreshBlocks);
        using var larger = empty(Floats * 2);
        Assert.Equal(fresh + 2, TensorBlockCache.FreshBlocks);
        using var small = empty(1000);
        Assert.Equal(fresh + 2, TensorBlockCache.FreshBlocks);
    }

    [Fact]
    public void TensorsMadeAndFreedOnManyThreadsAllComeBack()
    {
        using var cache = TensorBlockCache.Scope();
        // libtorch's intra-op threads, the finalizer and any caller may allocate and free at once: every block handed out
        // comes back once, and each thread's tensor keeps its own values.
        var kept = new System.Collections.Concurrent.ConcurrentBag<(int Value, Tensor Tensor)>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var t = full(Floats / (1 + i % 3), (float)i);
            if (i % 2 == 0) kept.Add((i, t));
            else
            {
                Assert.Equal((i, i), (t.min().item<float>(), t.max().item<float>()));
                t.Dispose();
            }
        });
        Parallel.ForEach(kept, k =>
        {
            // A block handed to two tensors would hold the later one's values.
            Assert.Equal((k.Value, k.Value), (k.Tensor.min().item<float>(), k.Tensor.max().item<float>()));
            k.Tensor.Dispose();
        });
        // All 64 are idle now: blocks of three sizes, each at least the largest number of its size out at once.
        long idle = TensorBlockCache.IdleBytes;
        Assert.True(idle >= Floats * 4 + Floats / 2 * 4 + Floats / 3 * 4, $"idle {idle}");
        long fresh = TensorBlockCache.FreshBlocks;
        Parallel.For(0, 8, _ => full(Floats, 1f).Dispose());
        Assert.Equal(fresh, TensorBlockCache.FreshBlocks);
    }

    [Fact]
    public void OutsideItsScopeLibtorchAllocatesAsBefore()
    {
        var outlived = empty(Floats);
        using (TensorBlockCache.Scope())
        {
            using var inside = empty(Floats);
            inside.fill_(2);
            outlived.fill_(1);
        }
        Assert.Equal(0, TensorBlockCache.IdleBytes); // the scope's end gave the idle blocks back
        long fresh = TensorBlockCache.FreshBlocks;
        using (var after = empty(Floats)) after.fill_(3);
        Assert.Equal(fresh, TensorBlockCache.FreshBlocks);
        Assert.Equal(1f, outlived.mean().item<float>());
        outlived.Dispose();
    }

    [Fact]
    public void TrainingStepsAfterTheSecondTakeNoFreshMemoryAndTheSameNumbers()
    {
        // The first step fills the cache; the second may still take a few blocks (a request that took a block up to
        // twice its size in the first leaves another short); from then on every large block is a reused one.
        // Module-sized activations (16 x 128 x 2,187 floats = 18 MB; input 3^8 samples) through the channels-last training path.
        float[] Losses(bool cached)
        {
            using var scope = cached ? TensorBlockCache.Scope() : null;
            manual_seed(5);
            using var net = new TaggingCnn(ModelSpec.Parse("3^7"), 10);
            net.train();
            var optimizer = new SGD(net.parameters(), 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-6);
            using var x = randn(16, 1, 6561);
            using var targets = rand(16, 10).round();
            var losses = new List<float>();
            long settled = 0;
            for (int step = 0; step < 6; step++)
            {
                using var steps = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.binary_cross_entropy_with_logits(net.Logits(x), targets);
                loss.backward();
                optimizer.step();
                losses.Add(loss.item<float>());
                if (step == 1) settled = TensorBlockCache.FreshBlocks;
            }
            if (cached) Assert.Equal(settled, TensorBlockCache.FreshBlocks);
            return [.. losses];
        }
        Assert.Equal(Losses(cached: false), Losses(cached: true));
    }
}
