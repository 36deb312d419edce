using System.Runtime.Intrinsics.X86;

namespace SampleCnn.Tests.Inference;

/// <summary>A fact of the Winograd engine, which runs on AVX-512 only; skipped, saying why, on other CPUs.</summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (!Avx512F.IsSupported) Skip = "the Winograd engine needs AVX-512, which this CPU lacks (its refusal is tested apart)";
    }
}
