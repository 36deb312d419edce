namespace SampleCnn.Visualization;

/// <summary>
/// What gradient ascent found for every filter of a layer: the inputs [filters, samples], each filter's
/// loss (mean activation) after every step it took, and whether it converged (its loss stayed above 0).
/// </summary>
internal sealed record AscentResult(int Layer, float[,] Inputs, IReadOnlyList<double>[] Losses)
{
    public int Filters => Inputs.GetLength(0);

    /// <summary>Filters whose mean activation was never above zero: ascent stopped at once ("dead").</summary>
    public IEnumerable<int> Dead => Enumerable.Range(0, Filters).Where(f => Losses[f].Count == 0 || Losses[f][0] <= 0);
}
