using System.Runtime.CompilerServices;
using SampleCnn.Platform;

namespace SampleCnn.Tests;

static class NativeSetup
{
    // The allocator and thread settings must precede the first tensor of the test process.
#pragma warning disable CA2255 // a module initializer is the one hook that runs before any test
    [ModuleInitializer]
    internal static void Initialize() => NativeRuntime.Initialize();
#pragma warning restore CA2255
}
