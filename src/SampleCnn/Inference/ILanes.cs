namespace SampleCnn.Inference;

/// <summary>
/// A vector of floats of one register width, for the Winograd engine's code that is the same at every width (the
/// transforms, the epilogues, layer 1, the head): written once over this, it runs as 512-bit code on AVX-512
/// (<see cref="Lanes512"/>) and as 256-bit code on AVX2 + FMA (<see cref="Lanes256"/>). The implementations are
/// readonly structs, so the JIT compiles each width's copy of the generic code apart and inlines these members: the
/// result is the code written with that width's vectors directly.
/// </summary>
internal unsafe interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Floats in one vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    static abstract TSelf Load(float* source);

    void Store(float* destination);

    /// <summary>a b + c, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>The lanes' sum.</summary>
    float Sum();

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);
}
