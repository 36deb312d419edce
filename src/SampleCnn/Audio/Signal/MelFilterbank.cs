namespace SampleCnn.Audio.Signal;

/// <summary>Triangular mel filterbank matrix, [mels, nFft/2 + 1], mapping a power spectrum to mel bands.</summary>
internal static class MelFilterbank
{
    public static double HzToMel(double hz, MelScale scale) => scale switch
    {
        MelScale.Htk => 2595.0 * Math.Log10(1.0 + hz / 700.0),
        _ => hz < SlaneyLogHz ? hz / SlaneyLinearStep : SlaneyLogMel + Math.Log(hz / SlaneyLogHz) / SlaneyLogStep,
    };

    public static double MelToHz(double mel, MelScale scale) => scale switch
    {
        MelScale.Htk => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0),
        _ => mel < SlaneyLogMel ? mel * SlaneyLinearStep : SlaneyLogHz * Math.Exp(SlaneyLogStep * (mel - SlaneyLogMel)),
    };

    const double SlaneyLinearStep = 200.0 / 3;
    const double SlaneyLogHz = 1000.0;
    const double SlaneyLogMel = SlaneyLogHz / SlaneyLinearStep;
    static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    /// <summary>Builds the matrix for band edges from <paramref name="fMin"/> to <paramref name="fMax"/> Hz (null: Nyquist).</summary>
    public static float[,] Create(int sampleRate, int nFft, int mels, MelScale scale, double fMin = 0, double? fMax = null)
    {
        var top = fMax ?? sampleRate / 2.0;
        if (mels < 1 || nFft < 2 || fMin < 0 || top <= fMin)
            throw new ArgumentException($"invalid mel filterbank: {mels} mels, n_fft {nFft}, {fMin}-{top} Hz");
        int bins = nFft / 2 + 1;
        var lowMel = HzToMel(fMin, scale);
        var highMel = HzToMel(top, scale);
        var edges = new double[mels + 2];
        for (int i = 0; i < edges.Length; i++)
            edges[i] = MelToHz(lowMel + (highMel - lowMel) * i / (mels + 1), scale);

        var weights = new float[mels, bins];
        for (int m = 0; m < mels; m++)
        {
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            double norm = scale == MelScale.Slaney ? 2.0 / (right - left) : 1.0;
            for (int b = 0; b < bins; b++)
            {
                double hz = (double)b * sampleRate / nFft;
                double rise = (hz - left) / (centre - left), fall = (right - hz) / (right - centre);
                weights[m, b] = (float)(norm * Math.Max(0.0, Math.Min(rise, fall)));
            }
        }
        return weights;
    }
}
