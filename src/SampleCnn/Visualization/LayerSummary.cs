namespace SampleCnn.Visualization;

/// <summary>
/// One drawn layer: its filters and how many stayed dead (never excited), the quartiles of the inputs' spectral
/// peaks, how well the sorted peaks fit a mel and a linear scale (R^2), and the files written for it.
/// </summary>
public sealed record LayerSummary(int Layer, int Filters, int Dead, double PeakLowQuartileHz, double PeakMedianHz, double PeakHighQuartileHz,
    double MelFitR2, double LinearFitR2, IReadOnlyList<string> Files)
{
    public int Converged => Filters - Dead;
}
