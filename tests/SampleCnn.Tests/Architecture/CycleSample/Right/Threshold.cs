namespace SampleCnn.Tests.Architecture.CycleSample.Right;

/// <summary>The other half, made only inside an iterator (whose body is a compiler-made state machine).</summary>
static class Threshold
{
    public static bool Above(int value) => value > 3;

    public static IEnumerable<int> Counts()
    {
        yield return Left.Counter.Big([1, 5]);
    }
}
