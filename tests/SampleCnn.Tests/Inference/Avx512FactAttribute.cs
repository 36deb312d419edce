using System.Runtime.Intrinsics.X86;

namespace SampleCnn.Tests.Inference;

/// <summary>A fact of the Winograd engine, whose 512-bit code runs on AVX-512 only; skipped, saying why, on other CPUs.</summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (!Avx512F.IsSupported) Skip = "it runs the Winograd engine's 512-bit code (beside its 256-bit code), which needs AVX-512, and this CPU lacks it";
    }
}
