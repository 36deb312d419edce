using System.Globalization;

namespace SampleCnn.Visualization;

/// <summary>The PNG and CSV files of the filter visualisation.</summary>
internal static class FilterPictures
{
    /// <summary>Sorted spectra as an image: filters on x (by peak frequency), frequency in Hz on y (low at the bottom), colour bar.</summary>
    public static void WriteSpectra(string path, FilterSpectra spectra, string title)
    {
        int filters = spectra.Order.Length, bins = spectra.Bins;
        var data = new double[bins, filters];
        for (int x = 0; x < filters; x++)
            for (int k = 0; k < bins; k++) data[bins - 1 - k, x] = spectra.Spectra[spectra.Order[x]][k]; // row 0 is drawn at the top
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new ScottPlot.CoordinateRect(0, filters, 0, spectra.SampleRate / 2.0);
        plot.Add.ColorBar(heatmap).Label = "log10(1 + 10 |S|^2)";
        plot.Axes.SetLimits(0, filters, 0, spectra.SampleRate / 2.0);
        plot.XLabel("filter (sorted by peak frequency)");
        plot.YLabel("frequency (Hz)");
        plot.Title(title);
        plot.SavePng(path, 800, 600);
    }

    /// <summary>The first filters' inputs (waveforms), each scaled to its own peak and stacked, filter 0 at the top.</summary>
    public static void WriteWaveforms(string path, float[,] inputs, int count, string title)
    {
        count = Math.Min(count, inputs.GetLength(0));
        int samples = inputs.GetLength(1);
        var plot = new ScottPlot.Plot();
        for (int f = 0; f < count; f++)
        {
            double peak = 1e-12;
            for (int n = 0; n < samples; n++) peak = Math.Max(peak, Math.Abs(inputs[f, n]));
            var y = Enumerable.Range(0, samples).Select(n => count - 1 - f + 0.45 * inputs[f, n] / peak).ToArray();
            plot.Add.Signal(y).LineWidth = 1;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, count).Select(f => (double)(count - 1 - f)).ToArray(),
            Enumerable.Range(0, count).Select(f => $"filter {f}").ToArray());
        plot.XLabel("sample");
        plot.Title(title);
        plot.SavePng(path, 900, Math.Max(300, 40 * count + 100));
    }

    /// <summary>One row per filter in sorted order: rank, filter index, peak frequency in Hz, final loss.</summary>
    public static void WritePeaks(string path, FilterSpectra spectra, AscentResult? ascent)
    {
        var lines = new List<string> { "rank,filter,peak_hz,final_loss,steps" };
        for (int r = 0; r < spectra.Order.Length; r++)
        {
            int f = spectra.Order[r];
            var losses = ascent?.Losses[f];
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r},{f},{spectra.SortedPeakHz[r]:F1},{(losses is { Count: > 0 } ? losses[^1] : double.NaN)},{losses?.Count ?? 0}"));
        }
        File.WriteAllLines(path, lines);
    }
}
