using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Models;

namespace SampleCnn.Tests.Audio;

public class SegmenterTests
{
    static Waveform Ramp(int length) => new(Enumerable.Range(0, length).Select(i => (float)i).ToArray(), 22050);

    [Fact]
    public void PaperPlanCutsTenConsecutiveSegmentsFromTheStart()
    {
        var segments = Segmenter.Cut(Ramp(SegmentPlan.PaperClipSamples), SegmentPlan.Paper(59049)).ToList();
        Assert.Equal(10, segments.Count);
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(k, segments[k].Index);
            Assert.Equal(k * 59049L, segments[k].Start);
            Assert.Equal(59049, segments[k].Samples.Length);
            Assert.Equal(k * 59049f, segments[k].Samples[0]);
            Assert.Equal((k + 1) * 59049f - 1, segments[k].Samples[^1]);
            Assert.False(segments[k].Padded);
        }
        Assert.Equal(590_490, SegmentPlan.Paper(59049).SamplesNeeded);
    }

    [Fact]
    public void HopAndCountAreOptions()
    {
        var overlapping = Segmenter.Cut(Ramp(100), new SegmentPlan(40, null, 20)).ToList();
        Assert.Equal([0L, 20, 40, 60], overlapping.Select(s => s.Start));
        Assert.All(overlapping, s => Assert.Equal(s.Start, (long)s.Samples[0]));

        var gapped = Segmenter.Cut(Ramp(100), new SegmentPlan(10, 3, 30)).ToList();
        Assert.Equal([0L, 30, 60], gapped.Select(s => s.Start));
        Assert.Equal(60f, gapped[2].Samples[0]);

        Assert.Equal(2, Segmenter.Cut(Ramp(100), SegmentPlan.All(40)).Count());
    }

    [Fact]
    public void ClipShorterThanOneSegmentIsPaddedAndFlagged()
    {
        var only = Assert.Single(Segmenter.Cut(Ramp(1000), SegmentPlan.Paper(59049)));
        Assert.True(only.Padded);
        Assert.Equal(59049, only.Samples.Length);
        Assert.Equal(999f, only.Samples[999]);
        Assert.All(only.Samples[1000..], v => Assert.Equal(0f, v));
        Assert.Empty(Segmenter.Cut(Ramp(0), SegmentPlan.Paper(59049)));
    }

    [Fact]
    public void InvalidPlansAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Segmenter.Cut(Ramp(10), new SegmentPlan(0, 1, 1)).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => Segmenter.Cut(Ramp(10), new SegmentPlan(5, 1, 0)).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => Segmenter.Cut(Ramp(10), new SegmentPlan(5, 0, 5)).ToList());
    }

    [Fact]
    public void StreamedSegmentsOfAFileEqualThoseOfItsWholeWaveform()
    {
        var path = Fixtures.PathOf("mtat-like-16k-mono.mp3");
        var plan = new SegmentPlan(2187, null, 1000);
        var whole = Segmenter.Cut(AudioReader.Load(path), plan).ToList();
        using var reader = new AudioReader(path);
        var streamed = Segmenter.Cut(reader.Read, plan).ToList();
        Assert.True(whole.Count >= 10);
        Assert.Equal(whole.Select(s => s.Samples), streamed.Select(s => s.Samples));
    }

    [Fact]
    public void LongFilesStreamInBoundedMemory()
    {
        // 30 minutes of 8 kHz 8-bit noise: 14.4 MB on disk, 159 MB as float at 22050 Hz if read whole.
        using var scratch = new Fixtures.Scratch();
        const int rate = 8000, seconds = 30 * 60;
        var path = Path.Combine(scratch.Folder, "long.wav");
        using (var file = File.Create(path))
        {
            var header = new byte[44];
            "RIFF"u8.CopyTo(header); BitConverter.TryWriteBytes(header.AsSpan(4), 36 + rate * seconds);
            "WAVEfmt "u8.CopyTo(header.AsSpan(8)); BitConverter.TryWriteBytes(header.AsSpan(16), 16);
            BitConverter.TryWriteBytes(header.AsSpan(20), (short)1); BitConverter.TryWriteBytes(header.AsSpan(22), (short)1);
            BitConverter.TryWriteBytes(header.AsSpan(24), rate); BitConverter.TryWriteBytes(header.AsSpan(28), rate);
            BitConverter.TryWriteBytes(header.AsSpan(32), (short)1); BitConverter.TryWriteBytes(header.AsSpan(34), (short)8);
            "data"u8.CopyTo(header.AsSpan(36)); BitConverter.TryWriteBytes(header.AsSpan(40), rate * seconds);
            file.Write(header);
            var noise = new byte[rate];
            var random = new Random(3);
            for (int s = 0; s < seconds; s++) { random.NextBytes(noise); file.Write(noise); }
        }

        long baseline = GC.GetTotalMemory(forceFullCollection: true), peak = 0;
        int count = 0;
        using var reader = new AudioReader(path);
        foreach (var segment in Segmenter.Cut(reader.Read, SegmentPlan.All(59049)))
            if (++count % 50 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        Assert.Equal(seconds * 22050L / 59049, count);
        Assert.True(peak < 16 << 20, $"{peak >> 20} MB live while streaming");
    }
}
