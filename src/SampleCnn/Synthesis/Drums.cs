namespace SampleCnn.Synthesis;

/// <summary>Kick (a falling sine sweep), snare (noise and a 180 Hz body) and hi-hat (bright short noise).</summary>
internal static class Drums
{
    public static void Kick(Span<float> output, int sampleRate, int start, double gain)
    {
        double phase = 0;
        for (int n = 0; n < (int)(0.3 * sampleRate) && start + n < output.Length; n++)
        {
            double t = (double)n / sampleRate;
            phase += 2 * Math.PI * (50 + 100 * Math.Exp(-t * 30)) / sampleRate;
            output[start + n] += (float)(gain * Math.Sin(phase) * Math.Exp(-t * 12));
        }
    }

    public static void Snare(Span<float> output, int sampleRate, int start, double gain, Random random)
    {
        for (int n = 0; n < (int)(0.2 * sampleRate) && start + n < output.Length; n++)
        {
            double t = (double)n / sampleRate;
            double value = 0.7 * (random.NextDouble() * 2 - 1) + 0.4 * Math.Sin(2 * Math.PI * 180 * t);
            output[start + n] += (float)(gain * 0.6 * value * Math.Exp(-t * 20));
        }
    }

    public static void HiHat(Span<float> output, int sampleRate, int start, double gain, Random random)
    {
        double previous = 0;
        for (int n = 0; n < (int)(0.05 * sampleRate) && start + n < output.Length; n++)
        {
            double noise = random.NextDouble() * 2 - 1, high = noise - previous; // first difference: bright
            previous = noise;
            output[start + n] += (float)(gain * 0.25 * high * Math.Exp(-(double)n / sampleRate * 80));
        }
    }
}
