using System.Runtime.InteropServices;
using TorchSharp;

namespace SampleCnn.Platform;

/// <summary>
/// Process-wide native settings, applied once before the first tensor by every entry point
/// (CLI, tests, benchmarks). See ARCHITECTURE.md, platform items 2-3.
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
    /// costs 8-17x: every large tensor is faulted in again), and sets torch's intra-op threads to
    /// <paramref name="threads"/> (default: all cores; torch may default to 1).
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
            initialised = true;
            torch.set_num_threads(threads ?? Environment.ProcessorCount);
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
