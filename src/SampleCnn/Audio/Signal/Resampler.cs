using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SampleCnn.Audio.Signal;

/// <summary>
/// Band-limited streaming resampler for any pair of integer rates, with the filter of the paper's
/// pipeline (librosa's default resampler then, resampy's "kaiser_best"): a sinc cut off at 0.9476 x the
/// lower Nyquist frequency, windowed by a Kaiser window (beta 14.77) over 64 of its zero crossings
/// each side. Flat to 0.87 x the lower Nyquist frequency (9.6 kHz at 22050 Hz), -4.6 dB at 0.943 x.
/// Polyphase: output n lies exactly at input time n * inRate / outRate (zero-phase), one tap row per
/// output position of the reduced ratio L/M (L is at most 441 between the usual rates); for larger L,
/// <see cref="InterpolatedRows"/> rows (fewer when they would exceed <see cref="MaxTableLength"/>) are
/// kept and each output interpolates linearly between the two nearest (error below 1e-6).
/// N input samples give ceil(N * out / in) outputs. Hand-written because the libraries we may use
/// resample whole signals only.
/// </summary>
internal sealed class Resampler
{
    const int ZeroCrossings = 64;
    const double KaiserBeta = 14.769656459379492, Rolloff = 0.9475937167399596;

    /// <summary>Most filter coefficients kept (4 MB); only beyond a 128:1 ratio do the 64 rows kept at least exceed it.</summary>
    public const int MaxTableLength = 1 << 20;

    /// <summary>Rows kept when L is larger: 1024 per input sample, at least twice as dense as resampy's table (512 per zero crossing).</summary>
    const int InterpolatedRows = 1024;

    /// <summary>Tables of the first few rate pairs met, shared (read only): building one costs as much as resampling seconds of audio.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(int In, int Out), float[]> Tables = new();
    const int CachedTables = 8;

    private readonly int up, down;     // L, M: output n reads input time n * M / L
    private readonly int taps;          // per row
    private readonly int rows;          // L when they fit, else fewer (plus one row for fraction 1)
    private readonly float[] table;     // [row * taps + tap]
    private float[] history;            // input from absolute index historyStart
    private int historyCount;
    private long historyStart;
    private long consumed, produced;

    public int InputRate { get; }
    public int OutputRate { get; }

    /// <summary>Filter coefficients held (rows x taps per row).</summary>
    public int TableLength => table.Length;

    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), "sample rates must be positive");
        InputRate = inputRate;
        OutputRate = outputRate;
        int g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(inputRate, outputRate);
        (up, down) = (outputRate / g, inputRate / g);

        // In input-sample time u the filter is scale * Rolloff * sinc(scale * Rolloff * u) * kaiser(scale * u / 64):
        // scale stretches it by in/out when downsampling, so cutoff and window follow the lower rate.
        double scale = Math.Min(1.0, (double)outputRate / inputRate);
        int halfWidth = (int)Math.Ceiling(ZeroCrossings / scale);
        taps = 2 * halfWidth;
        rows = up <= InterpolatedRows && (long)up * taps <= MaxTableLength ? up : Math.Clamp(MaxTableLength / taps - 1, 64, InterpolatedRows);
        table = Tables.TryGetValue((inputRate, outputRate), out var kept) ? kept : Table(rows == up ? rows : rows + 1, rows, taps, scale);
        if (Tables.Count < CachedTables) Tables.TryAdd((inputRate, outputRate), table);
        history = new float[Math.Max(4096, 2 * taps)];
        // Input before the start is silence: index -(halfWidth - 1) onwards are zeros.
        historyStart = -(halfWidth - 1);
        historyCount = halfWidth - 1;
    }

    static float[] Table(int stored, int rows, int taps, double scale)
    {
        int halfWidth = taps / 2;
        var table = new float[stored * taps];
        double besselBeta = BesselI0(KaiserBeta);
        for (int row = 0; row < stored; row++)
        {
            double fraction = (double)row / rows; // output time minus the integer input index
            for (int j = 0; j < taps; j++)
            {
                double u = fraction - (j - halfWidth + 1); // distance from tap j to the output time
                double x = scale * u / ZeroCrossings;
                if (Math.Abs(x) < 1)
                    table[row * taps + j] = (float)(scale * Rolloff * Sinc(scale * Rolloff * u) * BesselI0(KaiserBeta * Math.Sqrt(1 - x * x)) / besselBeta);
            }
        }
        return table;
    }

    static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

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
        // Output n needs input up to floor(n * M / L) + halfWidth < available, i.e. n * M < (available - halfWidth) * L.
        long ready = Math.Min(limit, Math.Max(produced, ((available - halfWidth) * up + down - 1) / down));
        int count = (int)(ready - produced);
        int start = output.Count;
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(output, start + count);
        var into = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output).Slice(start, count);
        long position = produced * down;
        long index = position / up;                  // integer input index at or before the output time
        int remainder = (int)(position % up);
        int step = down / up, stepRemainder = down % up; // stepped rather than divided per output
        ref float coefficients = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(table);
        for (int n = 0; n < count; n++)
        {
            ref float window = ref history[(int)(index - halfWidth + 1 - historyStart)];
            if (rows == up)
                into[n] = Dot(ref window, ref Unsafe.Add(ref coefficients, remainder * taps), taps);
            else
            {
                double at = (double)remainder * rows / up;
                int row = (int)at;
                float weight = (float)(at - row);
                float below = Dot(ref window, ref Unsafe.Add(ref coefficients, row * taps), taps);
                float above = Dot(ref window, ref Unsafe.Add(ref coefficients, (row + 1) * taps), taps);
                into[n] = below + weight * (above - below);
            }
            index += step;
            remainder += stepRemainder;
            if (remainder >= up)
            {
                remainder -= up;
                index++;
            }
        }
        produced = ready;
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

    // A dot product inlined into the output loop: TensorPrimitives.Dot's checks and dispatch cost as much as its
    // arithmetic at these lengths (128-300 taps). Two accumulators hide the FMA latency.
    static float Dot(ref float a, ref float b, int length)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && length >= 2 * Vector512<float>.Count)
        {
            Vector512<float> even = Vector512<float>.Zero, odd = Vector512<float>.Zero;
            for (; i <= length - 2 * Vector512<float>.Count; i += 2 * Vector512<float>.Count)
            {
                even = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i), even);
                odd = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, (nuint)(i + Vector512<float>.Count)), Vector512.LoadUnsafe(ref b, (nuint)(i + Vector512<float>.Count)), odd);
            }
            if (i <= length - Vector512<float>.Count)
            {
                even = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i), even);
                i += Vector512<float>.Count;
            }
            sum = Vector512.Sum(even + odd);
        }
        else if (Vector256.IsHardwareAccelerated && length >= 2 * Vector256<float>.Count)
        {
            Vector256<float> even = Vector256<float>.Zero, odd = Vector256<float>.Zero;
            for (; i <= length - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), even);
                odd = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)(i + Vector256<float>.Count)), Vector256.LoadUnsafe(ref b, (nuint)(i + Vector256<float>.Count)), odd);
            }
            if (i <= length - Vector256<float>.Count)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), even);
                i += Vector256<float>.Count;
            }
            sum = Vector256.Sum(even + odd);
        }
        for (; i < length; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
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
