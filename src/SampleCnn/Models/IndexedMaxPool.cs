using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The channels-last training path's max-pool over windows of <c>m</c> along the last dimension of [batch, channels, 1,
/// length]: libtorch's max_pool2d with indices forward (first maximum), whose backward keeps only the indices, not the
/// input as libtorch's own does (the BatchNorm output, the largest activation of a module). The gradient goes to each
/// window's maximum (windows do not overlap: each element gets at most one value, as libtorch's backward gives it),
/// into a zero tensor laid out as the input was, so BatchNorm's backward takes it without a copy.
/// </summary>
internal sealed class IndexedMaxPool : autograd.SingleTensorFunction<IndexedMaxPool>
{
    /// <summary>The pool of <paramref name="x"/> [batch, channels, 1, length] over windows of <paramref name="m"/>.</summary>
    public static Tensor Apply(Tensor x, long m) => apply(x, m);

    /// <summary>
    /// The gradient last handed back to autograd: the engine takes its own reference once backward returns, so it is
    /// released at the next backward (or with the step's dispose scope) instead of held to the end of the step.
    /// </summary>
    [ThreadStatic] static Tensor? handedBack;

    public override string Name => nameof(IndexedMaxPool);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var m = (long)vars[1];
        var (values, indices) = nn.functional.max_pool2d_with_indices(x, [1, m]);
        // Held outside the context's saved variables, which TorchSharp's node keeps to the end of the step (libtorch's own
        // nodes release theirs after their backward): backward frees them (an array: the context takes no tensor as data).
        ctx.save_data("indices", new[] { indices.DetachFromDisposeScope() });
        ctx.save_data("shape", x.shape);
        ctx.save_data("strides", x.stride());
        return values;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        handedBack?.Dispose();
        using var indices = ((Tensor[])ctx.get_data("indices"))[0];
        var gradient = empty_strided((long[])ctx.get_data("shape"), (long[])ctx.get_data("strides"), grad_output.dtype).zero_();
        gradient.scatter_(3, indices, grad_output);
        grad_output.Dispose(); // the wrapper only: autograd holds the tensor itself
        handedBack = gradient;
        return [gradient, null!];
    }
}
