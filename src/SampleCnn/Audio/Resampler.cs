using System.Numerics.Tensors;

namespace SampleCnn.Audio;

/// <summary>
/// Band-limited streaming resampler for any pair of integer rates: polyphase FIR with a
/// Kaiser-windowed sinc (one phase per output position of the reduced ratio L/M).
/// Passband to 0.42 x the lower rate (9.26 kHz at 22050 Hz), stopband from its Nyquist frequency,
/// 100 dB design attenuation. Output sample n lies exactly at input time n * inRate / outRate
/// (zero-phase: the filter's delay is compensated), and N input samples give ceil(N * out / in)
/// outputs. Hand-written because the libraries we may use resample whole signals only.
/// </summary>
public sealed class Resampler
{
    const double PassbandEdge = 0.42, StopbandEdge = 0.5, AttenuationDb = 100;

    private readonly int up, down;     // L, M: output n reads input time n * M / L
    private readonly int taps;          // per phase
    private readonly float[] table;     // [phase * taps + tap]
    private float[] history;            // input from absolute index historyStart
    private int historyCount;
    private long historyStart;
    private long consumed, produced;

    public int InputRate { get; }
    public int OutputRate { get; }

    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), "sample rates must be positive");
        InputRate = inputRate;
        OutputRate = outputRate;
        int g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(inputRate, outputRate);
        (up, down) = (outputRate / g, inputRate / g);

        // Filter in input-sample time: cutoff halfway through the transition band, relative to the input rate.
        double lower = Math.Min(inputRate, outputRate);
        double transition = (StopbandEdge - PassbandEdge) * lower / inputRate;  // cycles per input sample
        double cutoff = (PassbandEdge + StopbandEdge) / 2 * lower / inputRate;
        double beta = 0.1102 * (AttenuationDb - 8.7);
        int halfWidth = (int)Math.Ceiling((AttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) / 2);
        taps = 2 * halfWidth;
        table = new float[up * taps];
        for (int phase = 0; phase < up; phase++)
        {
            double fraction = (double)phase / up; // output time minus the integer input index
            for (int j = 0; j < taps; j++)
            {
                double u = fraction - (j - halfWidth + 1); // distance from tap j to the output time
                table[phase * taps + j] = (float)(2 * cutoff * Sinc(2 * cutoff * u) * Kaiser(u / halfWidth, beta));
            }
        }
        history = new float[Math.Max(4096, 2 * taps)];
        // Input before the start is silence: index -(halfWidth - 1) onwards are zeros.
        historyStart = -(halfWidth - 1);
        historyCount = halfWidth - 1;
    }

    static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    static double Kaiser(double x, double beta) => Math.Abs(x) > 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - x * x)) / BesselI0(beta);

    static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (int k = 1; k < 50 && term > 1e-12 * sum; k++)
        {
            term *= x * x / (4.0 * k * k);
            sum += term;
        }
        return sum;
    }

    /// <summary>Feeds input samples and appends every output sample they complete.</summary>
    public void Process(ReadOnlySpan<float> input, List<float> output)
    {
        Append(input);
        consumed += input.Length;
        Emit(output, historyStart + historyCount);
    }

    /// <summary>Ends the stream: pads with silence and appends the remaining outputs.</summary>
    public void Flush(List<float> output)
    {
        Append(new float[taps]);
        long total = (consumed * up + down - 1) / down; // ceil(N * L / M)
        Emit(output, historyStart + historyCount, total);
    }

    void Emit(List<float> output, long available, long limit = long.MaxValue)
    {
        int halfWidth = taps / 2;
        while (produced < limit)
        {
            long position = produced * down;
            long index = position / up;                  // integer input index at or before the output time
            if (index + halfWidth >= available) break;   // needs input up to index + halfWidth
            int phase = (int)(position % up);
            var window = history.AsSpan((int)(index - halfWidth + 1 - historyStart), taps);
            output.Add(TensorPrimitives.Dot(window, table.AsSpan(phase * taps, taps)));
            produced++;
        }
        // Keep only what later outputs can still read.
        long keepFrom = produced * down / up - halfWidth + 1;
        int drop = (int)Math.Clamp(keepFrom - historyStart, 0, historyCount);
        if (drop > 0)
        {
            history.AsSpan(drop, historyCount - drop).CopyTo(history);
            historyCount -= drop;
            historyStart += drop;
        }
    }

    void Append(ReadOnlySpan<float> input)
    {
        if (historyCount + input.Length > history.Length)
            Array.Resize(ref history, Math.Max(2 * history.Length, historyCount + input.Length));
        input.CopyTo(history.AsSpan(historyCount));
        historyCount += input.Length;
    }

    /// <summary>Resamples a whole signal.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate) return input.ToArray();
        var resampler = new Resampler(inputRate, outputRate);
        var output = new List<float>((int)((long)input.Length * outputRate / inputRate) + 1);
        resampler.Process(input, output);
        resampler.Flush(output);
        return output.ToArray();
    }
}
