using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Platform;

/// <summary>
/// libtorch's autocast to bfloat16 for one device type on this thread while the scope lives, as PyTorch's
/// <c>torch.autocast(device, dtype=torch.bfloat16)</c>: convolutions and matrix products run in bfloat16 on
/// casts of their fp32 inputs and weights, the operations autocast keeps in fp32 stay there, and the
/// casts are recorded by autograd, so the gradients reach the fp32 weights as fp32 (the master weights).
/// TorchSharp 0.107 has no binding: these are libtorch 2.10's own C++ functions (Linux names, checked).
/// </summary>
internal sealed partial class Autocast : IDisposable
{
    const sbyte BFloat16 = (sbyte)ScalarType.BFloat16;
    private readonly sbyte device;
    private readonly bool wasEnabled;
    private readonly sbyte previousType;

    public Autocast(DeviceType deviceType)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("bfloat16 autocast is bound on Linux only");
        device = (sbyte)deviceType;
        wasEnabled = is_autocast_enabled(device);
        previousType = get_autocast_dtype(device);
        set_autocast_dtype(device, BFloat16);
        set_autocast_enabled(device, true);
        increment_nesting();
    }

    public void Dispose()
    {
        // As PyTorch's exit: the outermost scope drops the cached bfloat16 copies of the weights.
        if (decrement_nesting() == 0) clear_cache();
        set_autocast_enabled(device, wasEnabled);
        set_autocast_dtype(device, previousType);
    }

    /// <summary>Whether autocast is on for the device type on this thread (what the tests check).</summary>
    public static bool IsEnabled(DeviceType deviceType) => OperatingSystem.IsLinux() && is_autocast_enabled((sbyte)deviceType);

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb")]
    private static partial void set_autocast_enabled(sbyte device, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool is_autocast_enabled(sbyte device);

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE")]
    private static partial void set_autocast_dtype(sbyte device, sbyte type);

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE")]
    private static partial sbyte get_autocast_dtype(sbyte device);

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast17increment_nestingEv")]
    private static partial int increment_nesting();

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast17decrement_nestingEv")]
    private static partial int decrement_nesting();

    [LibraryImport("torch_cpu", EntryPoint = "_ZN2at8autocast11clear_cacheEv")]
    private static partial void clear_cache();
}
