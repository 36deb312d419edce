namespace SampleCnn.Tests.Audio;

/// <summary>Test signals and the measurements the resampler tests make on them.</summary>
static class Signals
{
    public static float[] Sine(double hz, int rate, double seconds, double amplitude = 0.5)
    {
        var samples = new float[(int)(rate * seconds)];
        for (int i = 0; i < samples.Length; i++) samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        return samples;
    }

    /// <summary>Least-squares fit of a sinusoid of known frequency plus offset; returns its amplitude and the residual RMS.</summary>
    public static (double Amplitude, double ResidualRms) FitSine(ReadOnlySpan<float> x, double hz, int rate)
    {
        // Normal equations for [sin, cos, 1].
        double[,] a = new double[3, 3];
        double[] b = new double[3];
        for (int i = 0; i < x.Length; i++)
        {
            double w = 2 * Math.PI * hz * i / rate;
            double[] f = [Math.Sin(w), Math.Cos(w), 1];
            for (int r = 0; r < 3; r++)
            {
                b[r] += f[r] * x[i];
                for (int c = 0; c < 3; c++) a[r, c] += f[r] * f[c];
            }
        }
        var coef = Solve3(a, b);
        double residual = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = 2 * Math.PI * hz * i / rate;
            double e = x[i] - (coef[0] * Math.Sin(w) + coef[1] * Math.Cos(w) + coef[2]);
            residual += e * e;
        }
        return (Math.Sqrt(coef[0] * coef[0] + coef[1] * coef[1]), Math.Sqrt(residual / x.Length));
    }

    static double[] Solve3(double[,] a, double[] b)
    {
        int n = 3;
        var m = new double[n, n + 1];
        for (int r = 0; r < n; r++) { for (int c = 0; c < n; c++) m[r, c] = a[r, c]; m[r, n] = b[r]; }
        for (int p = 0; p < n; p++)
        {
            int best = p;
            for (int r = p + 1; r < n; r++) if (Math.Abs(m[r, p]) > Math.Abs(m[best, p])) best = r;
            for (int c = 0; c <= n; c++) (m[p, c], m[best, c]) = (m[best, c], m[p, c]);
            for (int r = 0; r < n; r++)
            {
                if (r == p) continue;
                double k = m[r, p] / m[p, p];
                for (int c = p; c <= n; c++) m[r, c] -= k * m[p, c];
            }
        }
        return [m[0, n] / m[0, 0], m[1, n] / m[1, 1], m[2, n] / m[2, 2]];
    }

    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (var v in x) sum += v * (double)v;
        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    /// <summary>The middle of a signal, away from the edges where the filter sees silence.</summary>
    public static ReadOnlySpan<float> Middle(float[] x, double fraction = 0.5)
    {
        int n = (int)(x.Length * fraction);
        return x.AsSpan((x.Length - n) / 2, n);
    }
}
