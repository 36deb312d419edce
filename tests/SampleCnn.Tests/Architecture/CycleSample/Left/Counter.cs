namespace SampleCnn.Tests.Architecture.CycleSample.Left;

/// <summary>Half of a cycle that only a lambda makes (the compiler puts its body in a nested type of its own).</summary>
static class Counter
{
    public static int Big(IEnumerable<int> values) => values.Count(v => Right.Threshold.Above(v));
}
