using System.Numerics;
using SampleCnn.Audio.Signal;

namespace SampleCnn.Visualization;

/// <summary>
/// Spectra of a layer's filters, sorted by the frequency of their peak, and how well the sorted peak curve
/// follows a mel (log-like) scale against a straight line. Each spectrum is log10(1 + 10 |S|^2) over Points
/// frequencies (Points / 2 + 1 bins).
/// </summary>
internal sealed record FilterSpectra(int SampleRate, int Points, double[][] Spectra, int[] Order, double[] SortedPeakHz)
{
    public int Bins => Points / 2 + 1;

    /// <summary>Frequency of bin k in Hz.</summary>
    public double BinHz(int k) => (double)k * SampleRate / Points;

    public double MedianPeakHz => Quantile(0.5);

    /// <summary>The sorted peaks' q-quantile (linear between ranks, as numpy's default).</summary>
    public double Quantile(double q)
    {
        var s = SortedPeakHz;
        if (s.Length == 0) return double.NaN;
        double position = q * (s.Length - 1);
        int below = (int)Math.Floor(position), above = Math.Min(below + 1, s.Length - 1);
        return s[below] + (position - below) * (s[above] - s[below]);
    }

    /// <summary>R^2 of a straight line through (rank, peak Hz): how linear the sorted peaks are.</summary>
    public double LinearFitR2 => RSquared(SortedPeakHz);

    /// <summary>R^2 of a straight line through (rank, mel(peak)): near 1 when the peaks spread like a mel filter bank.</summary>
    public double MelFitR2 => RSquared(SortedPeakHz.Select(f => MelFilterbank.HzToMel(f, MelScale.Htk)).ToArray());

    /// <summary>
    /// The authors' spectrum of the inputs found by gradient ascent (librosa 0.5's stft as their code calls
    /// it): the input's mean removed, n_fft = hop = window = the input length, a periodic Hann window, centred
    /// frames (the input reflect-padded by n_fft / 2 on each side), X = |S|^2, log10(1 + 10 X). A 729-sample
    /// input gives one frame, centred on its first sample, as theirs; an even length gives two, averaged.
    /// </summary>
    public static FilterSpectra OfInputs(float[,] inputs, int sampleRate)
    {
        int count = inputs.GetLength(0), points = inputs.GetLength(1), pad = points / 2;
        var window = Enumerable.Range(0, points).Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / points)).ToArray();
        int frames = 1 + 2 * pad / points;
        var spectra = new double[count][];
        for (int f = 0; f < count; f++)
        {
            double mean = 0;
            for (int n = 0; n < points; n++) mean += inputs[f, n];
            mean /= points;
            spectra[f] = new double[points / 2 + 1];
            for (int t = 0; t < frames; t++)
            {
                var frame = new Complex[points];
                for (int n = 0; n < points; n++)
                {
                    int i = t * points + n - pad;                             // index into the input, before reflecting
                    i = i < 0 ? -i : i >= points ? 2 * (points - 1) - i : i;   // numpy's "reflect": the edge sample is not repeated
                    frame[n] = (inputs[f, i] - mean) * window[n];
                }
                var compressed = Compress(Dft(frame));
                for (int k = 0; k < compressed.Length; k++) spectra[f][k] += compressed[k] / frames;
            }
        }
        return Sorted(spectra, sampleRate, points);
    }

    /// <summary>Frequency responses of short filters (layer 1's taps), zero-padded to <paramref name="points"/>, no window, compressed alike.</summary>
    public static FilterSpectra OfResponses(float[,] taps, int sampleRate, int points)
    {
        int count = taps.GetLength(0), length = taps.GetLength(1);
        points = Math.Max(points, length);
        var spectra = new double[count][];
        for (int f = 0; f < count; f++)
        {
            var frame = new Complex[points];
            for (int n = 0; n < length; n++) frame[n] = taps[f, n];
            spectra[f] = Compress(Dft(frame));
        }
        return Sorted(spectra, sampleRate, points);
    }

    static double[] Compress(Complex[] bins) => bins.Select(s => Math.Log10(1 + 10 * (s.Real * s.Real + s.Imaginary * s.Imaginary))).ToArray();

    static FilterSpectra Sorted(double[][] spectra, int sampleRate, int points)
    {
        var peaks = spectra.Select(s => Array.IndexOf(s, s.Max())).ToArray();
        var order = Enumerable.Range(0, spectra.Length).OrderBy(f => peaks[f]).ThenBy(f => f).ToArray();
        return new FilterSpectra(sampleRate, points, spectra, order, order.Select(f => (double)peaks[f] * sampleRate / points).ToArray());
    }

    // A direct DFT of bins 0..n/2: 729 is 3^6, not a power of two, and a layer needs at most a few hundred frames.
    static Complex[] Dft(Complex[] x)
    {
        int n = x.Length;
        var twiddle = new Complex[n];
        for (int k = 0; k < n; k++) twiddle[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n);
        var result = new Complex[n / 2 + 1];
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
