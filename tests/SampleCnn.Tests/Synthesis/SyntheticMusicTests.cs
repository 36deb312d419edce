using SampleCnn.Platform;
using SampleCnn.Synthesis;
using SampleCnn.Tests.Audio;
using static SampleCnn.Tests.Cli.CliRunner;

namespace SampleCnn.Tests.Synthesis;

public class SyntheticMusicTests
{
    [Fact]
    public void TheSameSeedRendersTheSameClip()
    {
        var a = SyntheticMusic.Render(42, 1.0);
        var b = SyntheticMusic.Render(42, 1.0);
        Assert.Equal(a.Samples, b.Samples);
        Assert.Equal(a.Tags, b.Tags);
        Assert.NotEqual(a.Samples, SyntheticMusic.Render(43, 1.0).Samples);
    }

    [Fact]
    public void TagsFollowFromWhatIsRendered()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 60; i++)
        {
            var clip = SyntheticMusic.Render(Seeds.Derive(7, i), 1.0);
            Assert.All(clip.Tags, t => Assert.Contains(t, SyntheticMusic.AllTags));
            foreach (var (one, other) in new[] { ("fast", "slow"), ("loud", "quiet"), ("high", "low") })
                Assert.True(clip.Tags.Contains(one) ^ clip.Tags.Contains(other), $"{one}/{other}: {string.Join(",", clip.Tags)}");
            Assert.Contains(clip.Tags, t => Instruments.Melodic.Any(m => m.Tag() == t));
            var peak = clip.Samples.Max(Math.Abs);
            Assert.Equal(clip.Tags.Contains("loud") ? 0.9f : 0.1f, peak, 4);
            seen.UnionWith(clip.Tags);
        }
        Assert.Equal(SyntheticMusic.AllTags.Order(), seen.Order());
    }

    [Fact]
    public void HighAndLowRegistersDifferInPitch()
    {
        // Spectral centroid of the melody register: high clips sit well above low ones on average.
        double Centroid(float[] x)
        {
            double weighted = 0, total = 0;
            for (int k = 1; k < 400; k++)
            {
                double re = 0, im = 0, w = 2 * Math.PI * k / 4096;
                for (int n = 0; n < 4096; n++) { re += x[n] * Math.Cos(w * n); im -= x[n] * Math.Sin(w * n); }
                var power = re * re + im * im;
                weighted += k * power;
                total += power;
            }
            return weighted / total;
        }
        var clips = Enumerable.Range(0, 30).Select(i => SyntheticMusic.Render(Seeds.Derive(3, i), 0.5))
            .Where(c => !c.Tags.Contains("bass") && !c.Tags.Contains("drums")).ToList();
        var high = clips.Where(c => c.Tags.Contains("high")).Select(c => Centroid(c.Samples)).DefaultIfEmpty(double.NaN).Average();
        var low = clips.Where(c => c.Tags.Contains("low")).Select(c => Centroid(c.Samples)).DefaultIfEmpty(double.NaN).Average();
        Assert.True(high > 1.5 * low, $"high {high}, low {low}");
    }

    [Fact]
    public void AShortenedDemoRunsEndToEnd()
    {
        using var scratch = new Fixtures.Scratch();
        var outDir = Path.Combine(scratch.Folder, "demo");
        var (code, output, error) = Run("demo", "--out", outDir, "--minutes", "0.2", "--clips", "30", "--seconds", "1", "--model", "3^4");
        Assert.True(code == 0, error + output[^Math.Min(output.Length, 2000)..]);
        foreach (var file in new[] { "audio/tags.csv", "store/manifest.json", "run/best.ckpt", "run/metrics.csv", "run/evaluation-test-best.json",
                     "run/evaluation-test-best.png", "taggram/clip0009.taggram.png", "taggram/clip0019.taggram.csv", "filters/layer1-spectra.png" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Contains("next, on real data:", output);

        // Running it again continues: the store and the run are reused, nothing fails.
        (code, _, error) = Run("demo", "--out", outDir, "--minutes", "0.2", "--clips", "30", "--seconds", "1", "--model", "3^4");
        Assert.True(code == 0, error);
    }
}
