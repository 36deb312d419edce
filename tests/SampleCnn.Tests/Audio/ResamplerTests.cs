using SampleCnn.Audio;

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
