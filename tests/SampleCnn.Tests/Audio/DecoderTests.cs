using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;

namespace SampleCnn.Tests.Audio;

public class DecoderTests
{
    static (float[] Samples, int Rate, int Channels) DecodeAll(string path)
    {
        using var decoder = AudioDecoders.Open(path);
        var all = new List<float>();
        var buffer = new float[1000 * decoder.Channels];
        for (int frames; (frames = decoder.Read(buffer)) > 0;) all.AddRange(buffer.AsSpan(0, frames * decoder.Channels));
        return (all.ToArray(), decoder.SampleRate, decoder.Channels);
    }

    // Frames: the clip's true length. ffmpeg's Ogg Vorbis decode runs 41 samples past the end its own
    // ffprobe reports (6615); NVorbis honours the end, so that one is compared over our length.
    [Theory]
    [InlineData("pcm8-mono-8k.wav", 8000, 1, 2400)]
    [InlineData("pcm16-stereo-11k.wav", 11025, 2, 2205)]
    [InlineData("pcm24-mono-16k.wav", 16000, 1, 3200)]
    [InlineData("pcm32-mono-8k.wav", 8000, 1, 1600)]
    [InlineData("float32-stereo-8k.wav", 8000, 2, 800)]
    [InlineData("float64-mono-8k.wav", 8000, 1, 800)]
    [InlineData("extensible-6ch-8k.wav", 8000, 6, 400)]
    [InlineData("mtat-like-16k-mono.mp3", 16000, 1, 9216)] // no LAME tag: every frame's samples, as ffmpeg
    [InlineData("msd-like-44k-stereo.mp3", 44100, 2, 6615)] // LAME tag: encoder delay and padding trimmed
    [InlineData("layer2-44k-stereo.mp3", 44100, 2, 6912)] // Layer II: every frame's samples, as ffmpeg
    [InlineData("vorbis-mono-22k.ogg", 22050, 1, 6615)]
    public void DecodesLikeFfmpeg(string name, int rate, int channels, int frames)
    {
        var (samples, decodedRate, decodedChannels) = DecodeAll(Fixtures.PathOf(name));
        var reference = Fixtures.Reference(name);
        Assert.Equal((rate, channels), (decodedRate, decodedChannels));
        Assert.Equal(frames * channels, samples.Length);
        Assert.True(reference.Length >= samples.Length);
        var difference = samples.Zip(reference, (a, b) => a - b).ToArray();
        Assert.True(Signals.Rms(difference) < 1e-3, $"RMS difference {Signals.Rms(difference):E2}");
        Assert.True(Signals.Rms(reference) > 0.01); // the fixture is not silence
    }

    [Theory]
    [InlineData("flac-mono-16k.flac", 16000)]
    [InlineData("opus-mono-48k.opus", 48000)]
    public void OtherFormatsGoThroughFfmpegOrSayHowToEnableThem(string name, int rate)
    {
        if (FfmpegDecoder.Executable is null)
        {
            var error = Assert.Throws<AudioDecodeException>(() => DecodeAll(Fixtures.PathOf(name)));
            Assert.Equal(AudioProblem.UnsupportedCodec, error.Problem);
            Assert.Contains("ffmpeg", error.Message);
            return;
        }
        var (samples, decodedRate, _) = DecodeAll(Fixtures.PathOf(name));
        var reference = Fixtures.Reference(name);
        Assert.Equal(rate, decodedRate);
        Assert.Equal(reference, samples);
    }

    // NLayer's intensity-stereo processing is wrong for MPEG-2 (positions, scale, the top bands): over the
    // asc-music files 19% of granules fell below 40 dB against ffmpeg. Such files go through libmpg123 or ffmpeg.
    // libmpg123's decode differs from ffmpeg's by float rounding (max 2.8e-7), which is 79.5 dB below the
    // near-silent first granule (RMS 8.7e-6): a granule passes at 90 dB SNR or within 1e-6 of ffmpeg everywhere.
    [Fact]
    public void IntensityStereoDecodesLikeFfmpegGranuleByGranule()
    {
        const string name = "intensity-stereo-22k.mp3";
        if (FfmpegDecoder.Executable is null && Mpg123.Default is null)
        {
            var error = Assert.Throws<AudioDecodeException>(() => DecodeAll(Fixtures.PathOf(name)));
            Assert.Equal(AudioProblem.UnsupportedCodec, error.Problem);
            return;
        }
        var (samples, rate, channels) = DecodeAll(Fixtures.PathOf(name));
        var reference = Fixtures.Reference(name);
        Assert.Equal((22050, 2), (rate, channels));
        Assert.Equal(reference.Length, samples.Length);
        const int granule = 576 * 2;
        double worst = double.PositiveInfinity;
        int worstAt = -1;
        for (int g = 0; g < samples.Length / granule; g++)
        {
            var expected = reference.AsSpan(g * granule, granule);
            double signal = 0, error = 0, largest = 0;
            for (int i = 0; i < granule; i++)
            {
                double e = samples[g * granule + i] - expected[i];
                (signal, error, largest) = (signal + (double)expected[i] * expected[i], error + e * e, Math.Max(largest, Math.Abs(e)));
            }
            double snr = error == 0 || largest < 1e-6 ? double.PositiveInfinity : 10 * Math.Log10(signal / error);
            if (snr < worst) (worst, worstAt) = (snr, g);
        }
        Assert.True(worst >= 90, $"granule {worstAt}: {worst:F1} dB SNR against ffmpeg");
    }

    [Fact]
    public void NLayerRefusesIntensityStereoAndNamesTheRemedy()
    {
        var path = Fixtures.PathOf("intensity-stereo-22k.mp3");
        using var stream = File.OpenRead(path);
        var error = Assert.Throws<AudioDecodeException>(() => new Mp3Decoder(path, stream, mono: false, library: null));
        Assert.Equal(AudioProblem.UnsupportedCodec, error.Problem);
        Assert.Contains("intensity stereo", error.Message);
        Assert.Contains("ffmpeg", error.Message);
    }

    /// <summary>The decoded samples; asked for mono, one channel, averaged here where the decoder kept two (as the reader does).</summary>
    static float[] DecodeMp3(string path, bool mono, Mpg123? library)
    {
        using var stream = File.OpenRead(path);
        using var decoder = new Mp3Decoder(path, stream, mono, library);
        var all = new List<float>();
        var buffer = new float[1000 * decoder.Channels];
        for (int frames; (frames = decoder.Read(buffer)) > 0;) all.AddRange(buffer.AsSpan(0, frames * decoder.Channels));
        return mono && decoder.Channels == 2 ? all.Chunk(2).Select(pair => (pair[0] + pair[1]) / 2).ToArray() : all.ToArray();
    }

    // libmpg123 decodes where it is installed, NLayer where not: the same samples, in the same places (the frame
    // walk and the gapless trim are ours in both; a frame without its main data is silence in both, concealed by
    // libmpg123 itself), within float rounding (max 4.2e-7 over these files). MPEG-2 mono, MPEG-1 joint stereo,
    // decoded in stereo and mixed to mono; Layer II stereo asked for mono (libmpg123 would give its left channel
    // if asked to mix it, so it stays stereo and is averaged after).
    [Mpg123Theory]
    [InlineData("mtat-like-16k-mono.mp3", false)]
    [InlineData("msd-like-44k-stereo.mp3", false)]
    [InlineData("msd-like-44k-stereo.mp3", true)]
    [InlineData("mid-reservoir-44k-stereo.mp3", false)]
    [InlineData("mid-reservoir-44k-stereo.mp3", true)]
    [InlineData("layer2-44k-stereo.mp3", true)]
    public void Mpg123AndNLayerGiveTheSameSamples(string name, bool mono)
    {
        var path = Fixtures.PathOf(name);
        var ours = DecodeMp3(path, mono, Mpg123.Default);
        var nlayer = DecodeMp3(path, mono, library: null);
        Assert.Equal(nlayer.Length, ours.Length);
        float worst = ours.Zip(nlayer, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 2e-6f, $"max |difference| {worst:E2}");
        Assert.True(Signals.Rms(nlayer) > 0.01);
    }

    // Without libmpg123 (another system, a minimal install, a library too old or not libmpg123 at all), or when the
    // environment variable asks for it, MP3 decoding falls back to NLayer.
    [Fact]
    public void Mp3FallsBackToNLayerWithoutLibmpg123()
    {
        Assert.Null(Mpg123.Choose(null, ["libmpg123-not-installed.so.0"]));
        Assert.Null(Mpg123.Choose(null, ["libc.so.6"])); // loads, but has no mpg123_new
        Assert.Null(Mpg123.Choose("NLayer", ["libmpg123.so.0"]));
        var found = Mpg123.Choose("mpg123", ["libmpg123-not-installed.so.0", "libmpg123.so.0"]);
        // Where Debian's library is installed it passes the start-up probe (one frame fed alone): else the comparisons skip unseen.
        if (File.Exists("/usr/lib/x86_64-linux-gnu/libmpg123.so.0")) Assert.NotNull(found);
        if (found is not null) Assert.StartsWith("libmpg123 (", Mpg123.Describe(found));
        Assert.Equal("NLayer", Mpg123.Describe(null));

        var path = Fixtures.PathOf("msd-like-44k-stereo.mp3");
        var samples = DecodeMp3(path, mono: true, Mpg123.Choose(null, ["libmpg123-not-installed.so.0"]));
        Assert.Equal(6615, samples.Length);
    }

    // The first frame's main data lies in frames cut away: NLayer yields nothing for it, ffmpeg a frame of
    // (mostly) silence. Dropping it would put every later sample a frame early; from the third frame on,
    // once the synthesis filters have forgotten the difference, the decodes agree.
    [Fact]
    public void FrameWithoutItsMainDataKeepsItsPlaceInTime()
    {
        const string name = "mid-reservoir-44k-stereo.mp3";
        var (samples, _, channels) = DecodeAll(Fixtures.PathOf(name));
        var reference = Fixtures.Reference(name);
        Assert.Equal(6 * 1152 * channels, samples.Length);
        Assert.Equal(reference.Length, samples.Length);
        Assert.All(samples.Take(1152), s => Assert.Equal(0f, s));
        int settled = 2 * 1152 * channels;
        var difference = samples.Skip(settled).Zip(reference.Skip(settled), (a, b) => a - b).ToArray();
        Assert.True(Signals.Rms(difference) < 1e-4, $"RMS difference {Signals.Rms(difference):E2}");
    }

    // Asked for mono, the MP3 decoder mixes the channels before its filterbanks (one synthesis instead of two):
    // the same samples as decoding both channels and averaging them, within float rounding.
    [Theory]
    [InlineData("msd-like-44k-stereo.mp3")]
    [InlineData("mid-reservoir-44k-stereo.mp3")]
    public void StereoMp3DecodedAsMonoIsTheAverageOfItsChannels(string name)
    {
        var path = Fixtures.PathOf(name);
        var (stereo, _, channels) = DecodeAll(path);
        Assert.Equal(2, channels);
        var expected = new float[stereo.Length / 2];
        AudioReader.Downmix(stereo, 2, expected);

        using var decoder = AudioDecoders.Open(path, mono: true);
        Assert.Equal(1, decoder.Channels);
        var mono = new float[expected.Length + 1];
        int frames = 0;
        for (int n; (n = decoder.Read(mono.AsSpan(frames))) > 0;) frames += n;
        Assert.Equal(expected.Length, frames);
        float worst = expected.Select((e, i) => Math.Abs(e - mono[i])).Max();
        Assert.True(worst < 1e-5f, $"max |difference| {worst:E2}");
        Assert.True(Signals.Rms(expected) > 0.01);
    }

    // Where the two channels of a granule switch windows differently, mixing before the hybrid filterbank would be
    // wrong: such a file is decoded in stereo even when mono is asked for. Frames of silence whose side information
    // gives the first channel short blocks in granule 0 (MPEG-1) or in its only granule (MPEG-2).
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x00 }, 417, 53)] // MPEG-1, 128 kbps, 44.1 kHz, stereo
    [InlineData(new byte[] { 0xFF, 0xF3, 0x80, 0x00 }, 208, 48)] // MPEG-2, 64 kbps, 22.05 kHz, stereo
    public void StereoMp3WhoseChannelsSwitchBlocksDifferentlyStaysStereo(byte[] header, int length, int windowSwitchingBit)
    {
        byte[] File(bool split)
        {
            var frame = new byte[length];
            header.CopyTo(frame, 0);
            if (split) // window_switching_flag = 1, block_type = 2 (short) for channel 0
            {
                foreach (int bit in new[] { windowSwitchingBit, windowSwitchingBit + 1 })
                    frame[4 + bit / 8] |= (byte)(0x80 >> (bit % 8));
            }
            return Enumerable.Repeat(frame, 10).SelectMany(f => f).ToArray();
        }
        using var scratch = new Fixtures.Scratch();
        foreach (var split in new[] { false, true })
        {
            var path = scratch.Write($"split-{split}.mp3", File(split));
            using var stream = System.IO.File.OpenRead(path);
            using var decoder = new Mp3Decoder(path, stream, mono: true);
            Assert.Equal(split ? 2 : 1, decoder.Channels);
        }
    }

    [Fact]
    public void ChannelsAreAveraged()
    {
        float[] stereo = [1, -1, 0.5f, 0.25f];
        var mono = new float[2];
        AudioReader.Downmix(stereo, 2, mono);
        Assert.Equal([0f, 0.375f], mono);

        float[] six = [1, 2, 3, 4, 5, 6];
        AudioReader.Downmix(six, 6, mono);
        Assert.Equal(3.5f, mono[0]);
    }

    [Fact]
    public void ReaderDownmixesAndResamplesToTheModelRate()
    {
        const string name = "msd-like-44k-stereo.mp3";
        var waveform = AudioReader.Load(Fixtures.PathOf(name));
        Assert.Equal(22050, waveform.SampleRate);

        var reference = Fixtures.Reference(name);
        var mono = new float[reference.Length / 2];
        AudioReader.Downmix(reference, 2, mono);
        var expected = Resampler.Resample(mono, 44100, 22050);
        Assert.Equal(expected.Length, waveform.Samples.Length);
        Assert.True(Signals.Rms(waveform.Samples.Zip(expected, (a, b) => a - b).ToArray()) < 1e-3);
    }
}
