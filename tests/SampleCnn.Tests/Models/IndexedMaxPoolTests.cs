using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Models;

/// <summary>The channels-last training pool: libtorch's max_pool2d to the bit, ties included, without keeping its input.</summary>
public sealed class IndexedMaxPoolTests
{
    /// <summary>[batch, channels, 1, length] channels-last, a leaf's product so it is not a leaf; ties in every window for the first half.</summary>
    static (Tensor Leaf, Tensor Input) Inputs(int m)
    {
        manual_seed(7);
        var values = cat([randint(-1, 2, [3, 8, 1, 9 * m]).to(ScalarType.Float32), randn(3, 8, 1, 9 * m)], 0);
        var leaf = values.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).requires_grad_();
        return (leaf, leaf * 1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    public void GivesLibtorchsValuesAndGradientsToTheBitTiesIncluded(int m)
    {
        var (ourLeaf, ours) = Inputs(m);
        var (theirLeaf, theirs) = Inputs(m);
        var weights = randn(6, 8, 1, 9);
        var ourOutput = IndexedMaxPool.Apply(ours, m);
        var theirOutput = nn.functional.max_pool2d(theirs, [1, m]);
        Assert.True(ourOutput.equal(theirOutput).all().item<bool>());
        (ourOutput * weights).sum().backward();
        (theirOutput * weights).sum().backward();
        Assert.True(ourLeaf.grad!.equal(theirLeaf.grad!).all().item<bool>());
        Assert.Equal(theirLeaf.grad!.stride(), ourLeaf.grad!.stride()); // channels-last: BatchNorm's backward takes it as is
    }

    [Fact]
    public void DoesNotKeepItsInput()
    {
        // An input changed in place after the pool: libtorch's pool, which saved it, refuses its backward; ours has only the indices.
        var (leaf, x) = Inputs(3);
        var y = IndexedMaxPool.Apply(x, 3);
        x.add_(1);
        y.sum().backward();
        Assert.Equal(y.numel(), leaf.grad!.sum().item<float>());
        var (_, x2) = Inputs(3);
        var y2 = nn.functional.max_pool2d(x2, [1, 3]);
        x2.add_(1);
        Assert.ThrowsAny<Exception>(() => y2.sum().backward());
    }
}
