using System.Runtime.CompilerServices;
using SampleCnn.Platform;

// torch's random generator and thread count are process-wide: tests that train or seed must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SampleCnn.Tests;

static class NativeSetup
{
    // The allocator and thread settings must precede the first tensor of the test process.
#pragma warning disable CA2255 // a module initializer is the one hook that runs before any test
    [ModuleInitializer]
    internal static void Initialize() => NativeRuntime.Initialize();
#pragma warning restore CA2255
}
