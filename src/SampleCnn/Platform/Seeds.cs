namespace SampleCnn.Platform;

/// <summary>
/// Seeds for System.Random derived from a user's seed and an index. Random(n) for nearby n starts with
/// correlated draws, so the pair is scrambled first (the SplitMix64 finaliser): seed 1's clip 9 and clip
/// 19 must not share their first coin flips.
/// </summary>
public static class Seeds
{
    /// <summary>The seed every verb uses unless given another.</summary>
    public const int Default = 1;

    public static int Derive(int seed, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
