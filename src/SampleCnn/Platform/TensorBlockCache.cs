using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SampleCnn.Platform;

/// <summary>
/// A CPU allocator for libtorch that keeps the large blocks training frees and hands them out again. Every training
/// step asks for the same tensors in the same order, so after a step or two no large tensor comes from glibc:
/// its heap (which <see cref="NativeRuntime"/> never lets shrink, or every tensor would be faulted in afresh) stops
/// fragmenting, and the step's peak memory stays at the first step's, where glibc alone let it grow by 0.5-1.3 GB
/// over the next steps (docs/ARCHITECTURE.md, platform fact 9; bench/RESULTS.md).
/// A request takes the smallest idle block from its size to twice it (a last, smaller batch reuses the full
/// batches' blocks); only a request no idle block fits gets fresh memory. Installed for a scope only
/// (<see cref="Scope"/>): at its end the idle blocks go back to glibc and libtorch's own allocator returns.
/// </summary>
/// <remarks>
/// libtorch's allocator is a C++ object (c10::Allocator); this builds one by hand: a vtable of function pointers in
/// the Itanium C++ ABI's layout, its <c>allocate</c> filling a c10::DataPtr {data, deleter, context, device}
/// through the hidden result pointer. Both layouts are libtorch 2.10's on x86-64 Linux (read from libc10's
/// DefaultCPUAllocator::allocate, bench/RESULTS.md), so the cache installs only with libtorch 2.10 there; at first
/// use it also checks the vtable's slot for <c>is_simple_data_ptr</c> against the exported function and that a
/// tensor sits in the block handed out. Elsewhere, or if a check fails, <see cref="Scope"/> installs nothing.
/// (A wrong DataPtr layout would crash rather than fail a check: hence the version.)
/// </remarks>
public static unsafe partial class TensorBlockCache
{
    /// <summary>Blocks under this size go straight to glibc and back: small tensors do not fragment the heap much.</summary>
    public const long MinimumBlockBytes = 1 << 20;

    const nuint Alignment = 64; // c10's alignment for CPU tensors

    static readonly Lock Gate = new();
    static readonly Dictionary<nint, nuint> LiveSizes = new();      // large blocks handed out: address -> size
    static readonly Dictionary<nuint, Stack<nint>> Idle = new();    // large blocks given back, by size
    static readonly List<nuint> IdleSizes = new();                  // the sizes with idle blocks, ascending
    static long idleBytes, freshBlocks;
    static int depth;
    static Installer? installer;
    static bool probed, refused;

    /// <summary>Bytes held idle by the cache now (0 outside a scope).</summary>
    public static long IdleBytes { get { lock (Gate) return idleBytes; } }

    /// <summary>Large blocks taken from glibc since the process started (a reused block does not count).</summary>
    public static long FreshBlocks { get { lock (Gate) return freshBlocks; } }

    /// <summary>SAMPLECNN_BLOCK_CACHE=off leaves every allocation to libtorch (to compare, or should the cache misbehave).</summary>
    public const string SwitchVariable = "SAMPLECNN_BLOCK_CACHE";

    /// <summary>
    /// libtorch allocates CPU tensors through the cache until the result is disposed (scopes nest); null where the
    /// cache cannot be installed (not x86-64 Linux, or libtorch's layouts differ from those checked) or is switched off.
    /// </summary>
    public static IDisposable? Scope()
    {
        if (Environment.GetEnvironmentVariable(SwitchVariable) == "off") return null;
        lock (Gate)
        {
            if (!probed)
            {
                probed = true;
                installer = Installer.Create();
            }
            if (installer is null || refused) return null;
            if (depth++ == 0) installer.Install();
        }
        bool verified;
        try { verified = installer.Verified || installer.Verify(); }
        catch { verified = false; }
        if (!verified)
        {
            // libtorch's own allocator back for good; a scope another thread holds ends as usual.
            lock (Gate) refused = true;
            End();
            return null;
        }
        return new ScopeEnd();
    }

    sealed class ScopeEnd : IDisposable
    {
        int ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 0) End();
        }
    }

    static void End()
    {
        lock (Gate)
        {
            if (--depth > 0) return;
            installer!.Uninstall();
            // Blocks still out are freed by whoever holds them, through Give (to glibc from now on) or, for oneDNN's
            // buffers, by the allocator current when they are freed: forget them all, so no address is misread later.
            LiveSizes.Clear();
            foreach (var blocks in Idle.Values)
                while (blocks.TryPop(out var block)) NativeMemory.AlignedFree((void*)block);
            Idle.Clear();
            IdleSizes.Clear();
            idleBytes = 0;
        }
    }

    static void* Rent(nuint bytes)
    {
        if (bytes == 0) return null;
        if ((long)bytes < MinimumBlockBytes) return Fresh(bytes);
        lock (Gate)
        {
            if (depth == 0) return Fresh(bytes); // a request racing the scope's end: not tracked
            int at = IdleSizes.BinarySearch(bytes);
            if (at < 0) at = ~at;
            // At most twice the request: a small tensor that lives on (a momentum buffer made mid-run) must not pin
            // an activation's block.
            if (at < IdleSizes.Count && IdleSizes[at] / 2 <= bytes)
            {
                var size = IdleSizes[at];
                var blocks = Idle[size];
                var reused = blocks.Pop();
                if (blocks.Count == 0) IdleSizes.RemoveAt(at);
                idleBytes -= (long)size;
                LiveSizes[reused] = size;
                return (void*)reused;
            }
            var block = Fresh(bytes);
            LiveSizes[(nint)block] = bytes;
            freshBlocks++;
            return block;
        }
    }

    static void* Fresh(nuint bytes)
    {
        // libtorch's own allocator throws here; no exception may leave this callback, so the process ends in one line.
        try { return NativeMemory.AlignedAlloc(bytes, Alignment); }
        catch (OutOfMemoryException)
        {
            Environment.FailFast($"out of memory: a tensor of {bytes:N0} bytes");
            throw;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void Give(void* block)
    {
        if (block is null) return;
        lock (Gate)
        {
            if (LiveSizes.Remove((nint)block, out var bytes) && depth > 0)
            {
                if (!Idle.TryGetValue(bytes, out var blocks)) Idle[bytes] = blocks = new Stack<nint>();
                if (blocks.Count == 0) IdleSizes.Insert(~IdleSizes.BinarySearch(bytes), bytes);
                blocks.Push((nint)block);
                idleBytes += (long)bytes;
                return;
            }
        }
        NativeMemory.AlignedFree(block);
    }

    /// <summary>c10::DataPtr in libtorch 2.10 (libstdc++ keeps a unique_ptr's deleter before its pointer).</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct DataPtr
    {
        public void* Data;
        public delegate* unmanaged[Cdecl]<void*, void> Deleter;
        public void* Context;
        public short Device; // DeviceType (byte) then index (byte)
    }

    const short CpuDevice = unchecked((short)0xFF00); // DeviceType::CPU (0), index -1

    /// <summary><c>DataPtr Allocator::allocate(size_t)</c>: the result comes back through the hidden pointer.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static DataPtr* Allocate(DataPtr* result, void* self, nuint bytes)
    {
        var block = Rent(bytes);
        result->Data = block;
        result->Deleter = &Give;
        result->Context = block;
        result->Device = CpuDevice;
        return result;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static delegate* unmanaged[Cdecl]<void*, void> RawDeleter(void* self) => &Give;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void Destroy(void* self) { } // the object lives as long as the process

    /// <summary>The hand-built c10::Allocator and the swap with libtorch's own.</summary>
    sealed class Installer
    {
        readonly void* allocator;
        readonly void* original;
        readonly delegate* unmanaged[Cdecl]<void*, byte, void> setCpuAllocator;

        public bool Verified { get; private set; }

        Installer(void* allocator, void* original, delegate* unmanaged[Cdecl]<void*, byte, void> setCpuAllocator)
        {
            this.allocator = allocator;
            this.original = original;
            this.setCpuAllocator = setCpuAllocator;
        }

        public static Installer? Create()
        {
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64
                || !TorchSharp.torch.__version__.StartsWith("2.10.", StringComparison.Ordinal)) return null;
            _ = TorchSharp.torch.empty(1); // loads libtorch (and with it libc10)
            if (!NativeLibrary.TryLoad("libc10.so", typeof(TensorBlockCache).Assembly, null, out var c10)) return null;
            if (!NativeLibrary.TryGetExport(c10, "_ZN3c1015SetCPUAllocatorEPNS_9AllocatorEh", out var set)
                || !NativeLibrary.TryGetExport(c10, "_ZN3c1015GetCPUAllocatorEv", out var get)
                || !NativeLibrary.TryGetExport(c10, "_ZNK3c109Allocator18is_simple_data_ptrERKNS_7DataPtrE", out var isSimple)
                || !NativeLibrary.TryGetExport(c10, "_ZNK3c109Allocator17default_copy_dataEPvPKvm", out var copyData)
                || !NativeLibrary.TryGetExport(c10, "_ZTVN3c109AllocatorE", out var baseVtable))
                return null;
            // The base class's vtable: offset to top, type info, then D1, D0, allocate, is_simple_data_ptr,
            // raw_deleter, copy_data. Its is_simple_data_ptr slot must hold the exported function.
            var slots = (nint*)baseVtable;
            if (slots[5] != isSimple) return null;
            var vtable = (nint*)NativeMemory.AllocZeroed(8, (nuint)sizeof(nint));
            vtable[0] = 0;
            vtable[1] = slots[1];
            vtable[2] = (nint)(delegate* unmanaged[Cdecl]<void*, void>)&Destroy;
            vtable[3] = (nint)(delegate* unmanaged[Cdecl]<void*, void>)&Destroy;
            vtable[4] = (nint)(delegate* unmanaged[Cdecl]<DataPtr*, void*, nuint, DataPtr*>)&Allocate;
            vtable[5] = isSimple;
            vtable[6] = (nint)(delegate* unmanaged[Cdecl]<void*, delegate* unmanaged[Cdecl]<void*, void>>)&RawDeleter;
            vtable[7] = copyData;
            var allocator = (nint*)NativeMemory.Alloc((nuint)sizeof(nint));
            allocator[0] = (nint)(vtable + 2);
            var original = ((delegate* unmanaged[Cdecl]<void*>)get)();
            return new Installer(allocator, original, (delegate* unmanaged[Cdecl]<void*, byte, void>)set);
        }

        // Priority 1 beats the default's registration (0); the original goes back with the same priority.
        public void Install() => setCpuAllocator(allocator, 1);

        public void Uninstall() => setCpuAllocator(original, 1);

        /// <summary>A large tensor made now must sit in the block the cache handed out, and come back to it when freed.</summary>
        public bool Verify()
        {
            nint data;
            bool handedOut;
            using (var probe = TorchSharp.torch.empty(MinimumBlockBytes / sizeof(float)))
            {
                fixed (byte* bytes = probe.bytes) data = (nint)bytes;
                lock (Gate) handedOut = LiveSizes.ContainsKey(data);
            }
            bool returned;
            lock (Gate) returned = Idle.Values.Any(blocks => blocks.Contains(data));
            return Verified = handedOut && returned;
        }
    }
}
