using SampleCnn.Audio.Signal;

namespace SampleCnn.Tests.Audio;

public class ResamplerTests
{
    [Theory]
    [InlineData(44100)]
    [InlineData(16000)]
    [InlineData(48000)]
    public void OneKilohertzSineKeepsThdPlusNoiseBelowMinus70Db(int inputRate)
    {
        var output = Resampler.Resample(Signals.Sine(1000, inputRate, 2), inputRate, 22050);
        var (amplitude, residual) = Signals.FitSine(Signals.Middle(output), 1000, 22050);
        Assert.True(Signals.Db(residual / (amplitude / Math.Sqrt(2))) < -70, $"THD+N {Signals.Db(residual / (amplitude / Math.Sqrt(2))):F1} dB");
    }

    [Fact]
    public void FifteenKilohertzAt44100IsAttenuatedBy60Db()
    {
        var input = Signals.Sine(15000, 44100, 2);
        var output = Resampler.Resample(input, 44100, 22050);
        var attenuation = Signals.Db(Signals.Rms(Signals.Middle(output)) / Signals.Rms(input));
        Assert.True(attenuation <= -60, $"{attenuation:F1} dB");
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(48000)]
    public void PassbandRippleIsWithinATenthOfADecibelUpTo9Kilohertz(int inputRate)
    {
        var gains = new List<double>();
        for (double hz = 50; hz <= 9000; hz += 250)
        {
            var output = Resampler.Resample(Signals.Sine(hz, inputRate, 0.5), inputRate, 22050);
            gains.Add(Signals.Db(Signals.FitSine(Signals.Middle(output), hz, 22050).Amplitude / 0.5));
        }
        Assert.True(gains.Max() - gains.Min() <= 0.1 && gains.All(g => Math.Abs(g) <= 0.1), string.Join(", ", gains.Select(g => g.ToString("F3"))));
    }

    // The paper's pipeline resampled with librosa's default then, resampy's kaiser_best; these gains come
    // from that filter's definition (scripts/resampler_reference.py, numpy/scipy, 0.25 s tones).
    [Theory]
    [InlineData(44100, 9600, 0.000)]
    [InlineData(44100, 10000, -0.123)]
    [InlineData(44100, 10400, -4.614)]
    [InlineData(44100, 10800, -27.058)]
    [InlineData(16000, 6900, 0.000)]
    [InlineData(16000, 7200, -0.037)]
    [InlineData(16000, 7500, -3.097)]
    [InlineData(16000, 7800, -22.628)]
    public void ToneGainsMatchThePapersResampler(int inputRate, double hz, double expectedDb)
    {
        var output = Resampler.Resample(Signals.Sine(hz, inputRate, 0.25), inputRate, 22050);
        var gain = Signals.Db(Signals.FitSine(Signals.Middle(output), hz, 22050).Amplitude / 0.5);
        Assert.True(Math.Abs(gain - expectedDb) <= 0.02, $"{hz} Hz from {inputRate} Hz: {gain:F3} dB, the paper's resampler {expectedDb:F3} dB");
    }

    // The filter evaluated directly from its definition at each output's own time, in double precision.
    static double Definition(float[] input, double time, int inputRate, int outputRate)
    {
        const double beta = 14.769656459379492, rolloff = 0.9475937167399596;
        double scale = Math.Min(1.0, (double)outputRate / inputRate), sum = 0;
        for (int k = (int)Math.Floor(time - 64 / scale); k <= time + 64 / scale; k++)
        {
            double u = time - k, x = scale * u / 64, a = Math.PI * scale * rolloff * u;
            if (k < 0 || k >= input.Length || Math.Abs(x) >= 1) continue;
            double sinc = a == 0 ? 1 : Math.Sin(a) / a;
            sum += input[k] * scale * rolloff * sinc * I0(beta * Math.Sqrt(1 - x * x)) / I0(beta);
        }
        return sum;

        static double I0(double x)
        {
            double total = 1, term = 1;
            for (int k = 1; k < 100; k++) total += term *= x * x / (4.0 * k * k);
            return total;
        }
    }

    // 44101 Hz reduces to L = 22050 or 44101 phases: more than are tabulated, so rows are interpolated.
    [Theory]
    [InlineData(16000, 22050)]
    [InlineData(44100, 22050)]
    [InlineData(44101, 22050)]
    [InlineData(22050, 8000)]
    [InlineData(22050, 44101)]
    public void OutputsFollowTheFilterDefinitionWithABoundedTable(int inputRate, int outputRate)
    {
        Assert.True(new Resampler(inputRate, outputRate).TableLength <= Resampler.MaxTableLength);
        var random = new Random(3);
        var input = new float[inputRate / 10];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() - 0.5);
        var output = Resampler.Resample(input, inputRate, outputRate);
        double worst = 0;
        for (int n = 0; n < output.Length; n += 7)
            worst = Math.Max(worst, Math.Abs(output[n] - Definition(input, (double)n * inputRate / outputRate, inputRate, outputRate)));
        Assert.True(worst < 1e-6, $"largest difference {worst:E2}");
    }

    [Theory]
    [InlineData(44100, 22050, 6615)]
    [InlineData(16000, 22050, 8000)]
    [InlineData(8000, 22050, 1001)]
    [InlineData(22050, 16000, 12345)]
    public void StreamingInAnyChunksGivesTheSameSamplesAndLengthAsOneCall(int inputRate, int outputRate, int length)
    {
        var input = new float[length];
        var random = new Random(7);
        for (int i = 0; i < length; i++) input[i] = (float)(random.NextDouble() - 0.5);
        var whole = Resampler.Resample(input, inputRate, outputRate);
        Assert.Equal((long)Math.Ceiling((double)length * outputRate / inputRate), whole.Length);

        var resampler = new Resampler(inputRate, outputRate);
        var streamed = new List<float>();
        for (int at = 0; at < length;)
        {
            int n = Math.Min(length - at, random.Next(1, 700));
            resampler.Process(input.AsSpan(at, n), streamed);
            at += n;
        }
        resampler.Flush(streamed);
        Assert.Equal(whole, streamed.ToArray());
        Assert.Equal(whole, Resampler.Resample(input, inputRate, outputRate)); // same input, same output
    }

    [Fact]
    public void OutputSamplesSitAtTheInputTimesTheyStandFor()
    {
        // An exact 2:1 decimation of a slow sine must give the sine's value at every second input sample.
        var input = Signals.Sine(200, 44100, 0.5);
        var output = Resampler.Resample(input, 44100, 22050);
        var middle = output.Length / 2;
        for (int n = middle; n < middle + 100; n++)
            Assert.Equal(input[2 * n], output[n], 3);
    }
}
