using System.Runtime.InteropServices;
using TorchSharp;

namespace SampleCnn.Platform;

/// <summary>
/// Process-wide native settings, applied once before the first tensor by every entry point
/// (CLI, tests, benchmarks). See docs/ARCHITECTURE.md, platform facts 2-4.
/// </summary>
public static partial class NativeRuntime
{
    // glibc mallopt parameters (malloc.h).
    const int MallocTrimThreshold = -1;
    const int MallocMmapMax = -4;

    static readonly Lock Gate = new();
    static bool initialised;

    /// <summary>
    /// Keeps freed tensor memory in the heap instead of returning it to the kernel (glibc's default
    /// costs 8-17x: every large tensor is faulted in again), sets torch's intra-op threads to
    /// <paramref name="threads"/> (default: all cores; torch may default to 1), and switches NNPACK off.
    /// </summary>
    public static void Initialize(int? threads = null)
    {
        lock (Gate)
        {
            if (!initialised && OperatingSystem.IsLinux())
            {
                mallopt(MallocMmapMax, 0);
                mallopt(MallocTrimThreshold, int.MaxValue);
            }
            torch.set_num_threads(threads ?? Environment.ProcessorCount);
            if (!initialised) DisableNnpack();
            initialised = true;
        }
    }

    /// <summary>
    /// libtorch initialises NNPACK the first time a convolution asks whether it could use it, and where
    /// the CPU is one NNPACK does not support it prints "Could not initialize NNPACK! Reason: Unsupported
    /// hardware." on stderr, through the middle of a progress display. Turning the user flag off
    /// (torch.backends.nnpack in Python; TorchSharp has no binding) stops the question: libtorch tests the
    /// flag first. Nothing is lost: NNPACK is only eligible for batches of 16 or more, and libtorch then
    /// picks MKL-DNN before it.
    /// </summary>
    static void DisableNnpack()
    {
        // The C++ names below are libtorch 2.10's on Linux (checked); other systems' libraries are not.
        if (!OperatingSystem.IsLinux()) return;
        setUserEnabledNNPACK(globalContext(), false);
    }

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr globalContext();

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void setUserEnabledNNPACK(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
