using SampleCnn.Audio.Decoding;

namespace SampleCnn.Tests.Audio;

public class BadInputTests
{
    static AudioDecodeException DecodeFails(string path)
    {
        var error = Assert.Throws<AudioDecodeException>(() => AudioReader.Load(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    static byte[] Fixture(string name) => File.ReadAllBytes(Fixtures.PathOf(name));

    [Theory]
    [InlineData("empty.wav")]
    [InlineData("empty.mp3")]
    [InlineData("empty.ogg")]
    [InlineData("empty.flac")]
    public void ZeroByteFilesAreEmpty(string name)
    {
        using var scratch = new Fixtures.Scratch();
        Assert.Equal(AudioProblem.Empty, DecodeFails(scratch.Write(name, [])).Problem);
    }

    [Theory]
    [InlineData("notes.wav")]
    [InlineData("notes.mp3")]
    [InlineData("notes.ogg")]
    public void TextIsNotAudio(string name)
    {
        using var scratch = new Fixtures.Scratch();
        var error = DecodeFails(scratch.Write(name, "these are my notes, not music\n"u8.ToArray()));
        Assert.Equal(AudioProblem.NotAudio, error.Problem);
    }

    [Theory]
    [InlineData("pcm16-stereo-11k.wav", "song.mp3", "MP3", "WAV")]
    [InlineData("mtat-like-16k-mono.mp3", "song.wav", "WAV", "MP3")]
    [InlineData("vorbis-mono-22k.ogg", "song.mp3", "MP3", "Ogg Vorbis")]
    public void ContentThatContradictsTheExtensionIsRefused(string fixture, string name, string promised, string actual)
    {
        using var scratch = new Fixtures.Scratch();
        var error = DecodeFails(scratch.Write(name, Fixture(fixture)));
        Assert.Equal(AudioProblem.WrongExtension, error.Problem);
        Assert.Contains($"the extension says {promised} but the content is {actual}", error.Message);
    }

    [Fact]
    public void UnknownWavCodecIsUnsupported()
    {
        using var scratch = new Fixtures.Scratch();
        var bytes = Fixture("pcm16-stereo-11k.wav");
        bytes[20] = 0x77; // format tag 0x7777: no such codec, for us or for ffmpeg
        bytes[21] = 0x77;
        var error = DecodeFails(scratch.Write("odd.wav", bytes));
        if (FfmpegDecoder.Executable is null)
        {
            Assert.Equal(AudioProblem.UnsupportedCodec, error.Problem);
            Assert.Contains("0x7777", error.Message);
        }
    }

    [Fact]
    public void CorruptHeadersAreCorrupt()
    {
        using var scratch = new Fixtures.Scratch();
        var wav = Fixture("pcm16-stereo-11k.wav");
        wav[32] = 3; // block align no longer matches 2 channels x 16 bits
        Assert.Equal(AudioProblem.Corrupt, DecodeFails(scratch.Write("bad.wav", wav)).Problem);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-file-" + Guid.NewGuid() + ".wav");
        DecodeFails(path);
    }

    // Only two outcomes are allowed for any byte stream: samples in range, or AudioDecodeException.
    // Two seeds per reader: 1,000 streams each for the WAV and the MP3 reader.
    const int Rounds = 500;

    [Theory(Timeout = 240_000)]
    [InlineData("pcm16-stereo-11k.wav", ".wav")]
    [InlineData("float32-stereo-8k.wav", ".wav")]
    [InlineData("mtat-like-16k-mono.mp3", ".mp3")]
    [InlineData("msd-like-44k-stereo.mp3", ".mp3")]
    [InlineData("mtat-like-16k-mono.mp3", ".mp3", true)] // NLayer, the fallback where libmpg123 is missing
    [InlineData("msd-like-44k-stereo.mp3", ".mp3", true)]
    public async Task FuzzedStreamsDecodeOrRaiseTheOneException(string seedFixture, string extension, bool nlayer = false)
    {
        IAudioDecoder Open(string path)
        {
            if (!nlayer) return AudioDecoders.Open(path);
            var stream = File.OpenRead(path);
            try
            {
                return new SampleRangeGuard(new Mp3Decoder(path, stream, mono: false, library: null), path);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        await Task.Run(() =>
        {
            using var scratch = new Fixtures.Scratch();
            var seed = Fixture(seedFixture);
            var random = new Random(seedFixture.Length * 31 + extension.Length);
            var path = Path.Combine(scratch.Folder, "fuzz" + extension);
            int decoded = 0, refused = 0;
            for (int i = 0; i < Rounds; i++)
            {
                File.WriteAllBytes(path, Mutate(seed, random, i));
                try
                {
                    using var decoder = Open(path);
                    var buffer = new float[4096 * decoder.Channels];
                    for (int frames; (frames = decoder.Read(buffer)) > 0;)
                        Assert.All(buffer.AsSpan(0, frames * decoder.Channels).ToArray(), v => Assert.True(float.IsFinite(v) && Math.Abs(v) <= 4f, $"sample {v}"));
                    decoded++;
                }
                catch (AudioDecodeException e)
                {
                    Assert.StartsWith(path, e.Message);
                    refused++;
                }
            }
            Assert.True(refused > 0 && decoded + refused == Rounds);
        });
    }

    static byte[] Mutate(byte[] seed, Random random, int round)
    {
        switch (round % 5)
        {
            case 0: // pure noise, sometimes with a valid-looking start
                var noise = new byte[random.Next(0, 4096)];
                random.NextBytes(noise);
                if (noise.Length > 12 && random.Next(2) == 0) seed.AsSpan(0, 12).CopyTo(noise);
                return noise;
            case 1: // flipped bytes
                var flipped = (byte[])seed.Clone();
                for (int k = random.Next(1, 20); k > 0; k--) flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                return flipped;
            case 2: // flipped header bytes
                var header = (byte[])seed.Clone();
                for (int k = random.Next(1, 4); k > 0; k--) header[random.Next(Math.Min(64, header.Length))] = (byte)random.Next(256);
                return header;
            case 3: // cut anywhere
                return seed[..random.Next(seed.Length)];
            default: // a spliced copy
                int a = random.Next(seed.Length), b = random.Next(seed.Length);
                return [.. seed.AsSpan(0, a), .. seed.AsSpan(b)];
        }
    }
}
