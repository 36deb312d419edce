using SampleCnn.Audio.Signal;

namespace SampleCnn.Tests.Audio;

public class MelFilterbankTests
{
    [Fact]
    public void ScalesMatchTheirDefinitions()
    {
        Assert.Equal(999.99, MelFilterbank.HzToMel(1000, MelScale.Htk), 2);      // 2595 log10(1 + 1000/700)
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000, MelScale.Slaney), 10);     // 1000 / (200/3)
        Assert.Equal(15 + 27 * Math.Log(2) / Math.Log(6.4), MelFilterbank.HzToMel(2000, MelScale.Slaney), 10);
        foreach (var scale in new[] { MelScale.Htk, MelScale.Slaney })
            foreach (var hz in new[] { 0.0, 300, 999, 1000, 1001, 4000, 11025 })
                Assert.Equal(hz, MelFilterbank.MelToHz(MelFilterbank.HzToMel(hz, scale), scale), 6);
    }

    [Fact]
    public void SlaneyTrianglesHaveUnitAreaAndHtkTrianglesPeakAtOne()
    {
        const int rate = 22050, nFft = 16384, mels = 40;
        var binHz = (double)rate / nFft;
        var slaney = MelFilterbank.Create(rate, nFft, mels, MelScale.Slaney);
        var htk = MelFilterbank.Create(rate, nFft, mels, MelScale.Htk);
        for (int m = 0; m < mels; m++)
        {
            double area = 0, peak = 0;
            for (int b = 0; b < nFft / 2 + 1; b++)
            {
                area += slaney[m, b] * binHz;
                peak = Math.Max(peak, htk[m, b]);
                Assert.True(slaney[m, b] >= 0 && htk[m, b] >= 0);
            }
            Assert.InRange(area, 0.97, 1.03);
            Assert.InRange(peak, 0.9, 1.0);
        }
    }

    [Fact]
    public void EachBandPeaksAtItsCentreInAscendingOrder()
    {
        const int rate = 22050, nFft = 2048, mels = 64;
        var bank = MelFilterbank.Create(rate, nFft, mels, MelScale.Htk);
        var top = MelFilterbank.HzToMel(rate / 2.0, MelScale.Htk);
        int previous = -1;
        for (int m = 0; m < mels; m++)
        {
            int best = Enumerable.Range(0, nFft / 2 + 1).MaxBy(b => bank[m, b]);
            var centre = MelFilterbank.MelToHz(top * (m + 1) / (mels + 1), MelScale.Htk);
            Assert.InRange(best * (double)rate / nFft, centre - rate / (double)nFft, centre + rate / (double)nFft);
            Assert.True(best >= previous);
            previous = best;
        }
    }

    [Fact]
    public void InvalidRangesAreRefused() =>
        Assert.Throws<ArgumentException>(() => MelFilterbank.Create(22050, 1024, 128, MelScale.Slaney, fMin: 12000));
}
