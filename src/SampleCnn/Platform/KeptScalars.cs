using TorchSharp;

namespace SampleCnn.Platform;

/// <summary>
/// Scalars that live as long as the process. TorchSharp turns a .NET number into a native Scalar, hands
/// its pointer to libtorch and drops the object (an operator such as <c>t + 1</c>, a default alpha of 1,
/// <c>square()</c> as pow(2)); a garbage collection on another thread during that native call can run the
/// Scalar's finalizer and free it while libtorch reads it: a wrong value, an error such as "alpha must not
/// be a floating point number", or a crash. So our code never lets TorchSharp make a Scalar: it passes
/// these, or a Scalar it holds with <c>using</c> until the call has returned.
/// </summary>
internal static class KeptScalars
{
    // Integers, as TorchSharp's own implicit conversions make them, so every kernel sees the same values.
    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar Ten = 10.ToScalar();
}
