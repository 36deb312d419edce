using System.Numerics;

namespace SampleCnn.Visualization;

/// <summary>
/// The paper's spectrum of a visualised filter: mean removed, one FFT frame of the whole input (729
/// points), X = |S|^2, log10(1 + 10 X); filters sorted by the frequency of their spectral peak; and how
/// well the sorted peak curve follows a mel (log-like) scale against a straight line.
/// </summary>
public sealed record FilterSpectra(int SampleRate, int Points, double[][] Spectra, int[] Order, double[] SortedPeakHz)
{
    public int Bins => Points / 2 + 1;

    /// <summary>Frequency of bin k in Hz.</summary>
    public double BinHz(int k) => (double)k * SampleRate / Points;

    public double MedianPeakHz
    {
        get
        {
            var s = SortedPeakHz;
            return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }

    /// <summary>R^2 of a straight line through (rank, peak Hz): how linear the sorted peaks are.</summary>
    public double LinearFitR2 => RSquared(SortedPeakHz);

    /// <summary>R^2 of a straight line through (rank, mel(peak)): near 1 when the peaks spread like a mel filter bank.</summary>
    public double MelFitR2 => RSquared(SortedPeakHz.Select(f => Audio.MelFilterbank.HzToMel(f, Audio.MelScale.Htk)).ToArray());

    /// <param name="removeMean">The paper removes each input's mean; a filter's own frequency response keeps its DC.</param>
    public static FilterSpectra Of(float[,] signals, int sampleRate, bool removeMean = true)
    {
        int count = signals.GetLength(0), points = signals.GetLength(1);
        var spectra = new double[count][];
        var peaks = new int[count];
        for (int f = 0; f < count; f++)
        {
            var frame = new Complex[points];
            double mean = 0;
            for (int n = 0; n < points; n++) mean += signals[f, n];
            mean = removeMean ? mean / points : 0;
            for (int n = 0; n < points; n++) frame[n] = signals[f, n] - mean;
            spectra[f] = Dft(frame).Take(points / 2 + 1).Select(s => Math.Log10(1 + 10 * (s.Real * s.Real + s.Imaginary * s.Imaginary))).ToArray();
            peaks[f] = Array.IndexOf(spectra[f], spectra[f].Max());
        }
        var order = Enumerable.Range(0, count).OrderBy(f => peaks[f]).ThenBy(f => f).ToArray();
        return new FilterSpectra(sampleRate, points, spectra, order, order.Select(f => (double)peaks[f] * sampleRate / points).ToArray());
    }

    // A direct DFT: 729 is 3^6, not a power of two, and a layer needs at most a few hundred frames.
    static Complex[] Dft(Complex[] x)
    {
        int n = x.Length;
        var twiddle = new Complex[n];
        for (int k = 0; k < n; k++) twiddle[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n);
        var result = new Complex[n];
        for (int k = 0; k <= n / 2; k++)
        {
            Complex sum = 0;
            for (int t = 0; t < n; t++) sum += x[t] * twiddle[(int)((long)k * t % n)];
            result[k] = sum;
        }
        return result;
    }

    static double RSquared(double[] y)
    {
        int n = y.Length;
        if (n < 3) return double.NaN;
        double meanX = (n - 1) / 2.0, meanY = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (i - meanX) * (y[i] - meanY); sxx += (i - meanX) * (i - meanX); }
        double slope = sxy / sxx, residual = 0, total = 0;
        for (int i = 0; i < n; i++)
        {
            double fit = meanY + slope * (i - meanX);
            residual += (y[i] - fit) * (y[i] - fit);
            total += (y[i] - meanY) * (y[i] - meanY);
        }
        return total == 0 ? double.NaN : 1 - residual / total;
    }
}
