using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;

namespace SampleCnn.Tests.Audio;

/// <summary>Per-file failures in batches, limits on the ffmpeg fallback, sample-rate bounds, and recovery of damaged files.</summary>
public class RobustnessTests
{
    static byte[] Fixture(string name) => File.ReadAllBytes(Fixtures.PathOf(name));

    /// <summary>Runs <paramref name="work"/> and fails the test, instead of hanging it, when it takes longer than <paramref name="seconds"/>.</summary>
    static T Within<T>(double seconds, Func<T> work)
    {
        var task = Task.Run(work);
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), $"no result in {seconds} s");
        return task.Result;
    }

    static string Fifo(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>32-bit float mono WAV: lets a test place any value (NaN, out of range) at any sample.</summary>
    static string FloatWav(string folder, string name, float[] samples, int rate)
    {
        var path = Path.Combine(folder, name);
        WavWriter.WriteMonoFloat(path, samples, rate);
        return path;
    }

    static DatasetListing Listing(params string[] files) =>
        new("test", new TagVocabulary(["a"]), files.Select((f, i) => new ClipSource($"c{i}", Split.Train, [0], f)).ToList(), [], []);

    // Point 5: a FIFO used to block prepare forever (and anything but AudioDecodeException aborted it).
    [Fact]
    public void PrepareRecordsAFifoAsUnreadableAndPreparesTheRest()
    {
        using var scratch = new Fixtures.Scratch();
        var fifo = Fifo(scratch.Folder, "pipe.wav");
        var listing = Listing(Fixtures.PathOf("pcm16-stereo-11k.wav"), fifo, Fixtures.PathOf("mtat-like-16k-mono.mp3"));
        var report = Within(60, () => StoreWriter.Prepare(listing, Path.Combine(scratch.Folder, "store"), new PrepareOptions(MaxClipSamples: null, Workers: 1)));
        Assert.Equal(2, report.Manifest.Clips);
        var skipped = Assert.Single(report.Unreadable);
        Assert.Equal(fifo, skipped.Item);
        Assert.Contains("not a regular file", skipped.Reason);
    }

    // Point 5: in tag, a FIFO hung the run, and a file failing part way kept the segment scores it got.
    [Fact]
    public void TagFailsAFifoAndAFileThatFailsPartWayAndTagsTheRest()
    {
        using var scratch = new Fixtures.Scratch();
        var fifo = Fifo(scratch.Folder, "pipe.mp3");
        // 0.5 s of a tone, then 2 s that are not audio: the file is refused only at its end, after segments were cut.
        var samples = Signals.Sine(440, 8000, 2.5);
        for (int i = 4000; i < samples.Length; i++) samples[i] = float.NaN;
        var partWay = FloatWav(scratch.Folder, "part-way.wav", samples, 8000);
        string[] files = [Fixtures.PathOf("pcm16-stereo-11k.wav"), fifo, partWay, Fixtures.PathOf("vorbis-mono-22k.ogg")];

        TorchSharp.torch.manual_seed(1);
        using var model = new SampleCnn.Models.TaggingCnn(SampleCnn.Models.ModelSpec.Parse("3^4"), 2);
        var tagger = new SampleCnn.Tagging.Tagger(model, ["x", "y"], TorchSharp.torch.CPU, new SampleCnn.Tagging.TaggerOptions(BatchSize: 4));
        var results = Within(60, () => tagger.Tag(files).ToList());

        Assert.Equal(files, results.Select(r => r.Path));
        Assert.False(results[0].Failed);
        Assert.False(results[3].Failed);
        Assert.Contains("not a regular file", results[1].Error);
        Assert.True(results[2].Failed);
        Assert.Contains("not audio", results[2].Error);
        Assert.Equal(0, results[2].Segments);
        Assert.Empty(results[2].SegmentScores);
        Assert.Empty(results[2].ClipScores);
    }

    // Point 7: a rate from a damaged header sized the resampler (767,993 Hz: a 250 MB filter; past ~26 MHz an overflow).
    [Fact]
    public void SampleRatesOutsideRealFormatsAreRefusedNamingTheFile()
    {
        using var scratch = new Fixtures.Scratch();
        var odd = Path.Combine(scratch.Folder, "odd-rate.wav");
        WavWriter.WriteMono16(odd, Signals.Sine(1000, 767_993, 1), 767_993);
        var error = Within(30, () => Assert.Throws<AudioDecodeException>(() => AudioReader.Load(odd)));
        Assert.StartsWith(odd + ": ", error.Message);
        Assert.Contains("767,993 Hz is outside 1,000-384,000 Hz", error.Reason);

        var dxd = Path.Combine(scratch.Folder, "dxd.wav");
        WavWriter.WriteMono16(dxd, Signals.Sine(1000, 352_800, 0.05), 352_800);
        Assert.Equal(1103, AudioReader.Load(dxd).Samples.Length); // the highest real rate still decodes

        if (FfmpegDecoder.Executable is null) return;
        // Sun .au goes through ffmpeg, whose reported rate was unbounded.
        var au = new byte[24 + 2000];
        ".snd"u8.CopyTo(au);
        BinaryPrimitives.WriteInt32BigEndian(au.AsSpan(4), 24);
        BinaryPrimitives.WriteInt32BigEndian(au.AsSpan(8), 2000);
        BinaryPrimitives.WriteInt32BigEndian(au.AsSpan(12), 3); // 16-bit PCM
        BinaryPrimitives.WriteInt32BigEndian(au.AsSpan(16), 29_999_999);
        BinaryPrimitives.WriteInt32BigEndian(au.AsSpan(20), 1);
        var fast = scratch.Write("fast.au", au);
        error = Within(30, () => Assert.Throws<AudioDecodeException>(() => AudioReader.Load(fast)));
        Assert.Contains("29,999,999 Hz is outside", error.Reason);
    }

    // Point 6: an .m3u8 listed as audio made ffmpeg fetch its URLs.
    [Fact]
    public void FfmpegFetchesNothingAPlaylistPointsTo()
    {
        if (FfmpegDecoder.Executable is null) return;
        using var scratch = new Fixtures.Scratch();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            foreach (var name in new[] { "list.m3u8", "list.hls", "list.m3u" })
            {
                var playlist = scratch.Write(name, System.Text.Encoding.ASCII.GetBytes(
                    $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nhttp://127.0.0.1:{port}/segment.mp3\n#EXT-X-ENDLIST\n"));
                var error = Within(30, () => Assert.Throws<AudioDecodeException>(() => AudioReader.Load(playlist)));
                Assert.StartsWith(playlist + ": ", error.Message);
                Assert.False(listener.Pending(), $"ffmpeg contacted the playlist's URL for {name}");
            }
            // ffmpeg's own defaults refuse the URL above from a local playlist, but followed one to any other local file.
            var local = scratch.Write("local.m3u8", System.Text.Encoding.ASCII.GetBytes(
                $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{Fixtures.PathOf("mtat-like-16k-mono.mp3")}\n#EXT-X-ENDLIST\n"));
            Within(30, () => Assert.Throws<AudioDecodeException>(() => AudioReader.Load(local)));
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Stand-ins for ffprobe (answers 8 kHz mono) and ffmpeg (runs <paramref name="ffmpegBody"/>), with a 1-s stall limit.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static FfmpegTools FakeTools(string folder, string ffmpegBody)
    {
        string Script(string name, string body)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return path;
        }
        return new FfmpegTools(Script("ffmpeg", ffmpegBody), Script("ffprobe", "echo 8000,1"), TimeSpan.FromSeconds(1));
    }

    static bool Alive(string pidFile) =>
        File.Exists(pidFile) && Process.Start("kill", ["-0", File.ReadAllText(pidFile).Trim()]) is { } kill && kill.WaitForExitAsync().Wait(5000) && kill.ExitCode == 0;

    // Point 6: a stalled ffmpeg hung the decode; it is now killed after the stall limit, part way or at once.
    [Fact]
    public void AStalledFfmpegIsKilledAndTheFileRefused()
    {
        if (OperatingSystem.IsWindows()) return;
        using var scratch = new Fixtures.Scratch();
        var input = scratch.Write("input.xyz", [1, 2, 3]);
        var pid = Path.Combine(scratch.Folder, "pid");
        // 1,000 samples of output, then nothing.
        var tools = FakeTools(scratch.Folder, $"echo $$ > {pid}; head -c 4000 /dev/zero; exec sleep 600");
        var clock = Stopwatch.StartNew();
        var error = Within(30, () => Assert.Throws<AudioDecodeException>(() =>
        {
            using var decoder = new FfmpegDecoder(input, "test", default, tools);
            var buffer = new float[4096];
            while (decoder.Read(buffer) > 0) { }
        }));
        Assert.Equal(AudioProblem.TimedOut, error.Problem);
        Assert.Contains("ffmpeg stalled: no output for 1 s", error.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
        Assert.False(Alive(pid));
    }

    // Point 6: cancelling a decode kills ffmpeg.
    [Fact]
    public void CancellingADecodeKillsFfmpeg()
    {
        if (OperatingSystem.IsWindows()) return;
        using var scratch = new Fixtures.Scratch();
        var input = scratch.Write("input.xyz", [1, 2, 3]);
        var pid = Path.Combine(scratch.Folder, "pid");
        var tools = FakeTools(scratch.Folder, $"echo $$ > {pid}; exec sleep 600") with { StallTimeout = TimeSpan.FromMinutes(10) };
        using var cancel = new CancellationTokenSource();
        using var decoder = new FfmpegDecoder(input, "test", cancel.Token, tools);
        cancel.CancelAfter(300);
        Within(30, () => Assert.ThrowsAny<OperationCanceledException>(() => decoder.Read(new float[4096])));
        Assert.False(Alive(pid));
    }

    // Point 21: truncated files were refused whole; now the audio before the cut is kept, as ffmpeg keeps it.
    [Theory]
    [InlineData("pcm16-stereo-11k.wav", 0.6, 60)]
    [InlineData("pcm24-mono-16k.wav", 0.3, 60)]
    [InlineData("mtat-like-16k-mono.mp3", 0.53, 700)]
    [InlineData("msd-like-44k-stereo.mp3", 0.9, 1300)]
    public void TruncatedFilesKeepTheAudioBeforeTheCut(string name, double keep, int tolerance)
    {
        using var scratch = new Fixtures.Scratch();
        var bytes = Fixture(name);
        var path = scratch.Write("cut" + Path.GetExtension(name), bytes[..(int)(bytes.Length * keep)]);
        var whole = AudioReader.Load(Fixtures.PathOf(name), 16000).Samples.Length;
        var cut = AudioReader.Load(path, 16000, long.MaxValue, out var damage);
        Assert.Equal(AudioProblem.Truncated, damage?.Problem);
        Assert.StartsWith("truncated: ", damage!.Reason);
        // Everything before the cut is kept: WAV frames, MPEG frames (the last one cut off, decoded as ffmpeg does).
        // (tolerance: a WAV's header bytes, an MPEG frame and the encoder delay, in samples at 16 kHz).
        Assert.InRange(cut.Samples.Length, whole * keep - tolerance, whole * keep + tolerance);
    }

    // Point 21: junk between MP3 frames, a damaged first header, a damaged ID3 size: the walk resynchronises.
    [Fact]
    public void TheMp3WalkResynchronisesAfterJunk()
    {
        using var scratch = new Fixtures.Scratch();
        var mp3 = Fixture("mtat-like-16k-mono.mp3");
        var reference = AudioReader.Load(Fixtures.PathOf("mtat-like-16k-mono.mp3"), 16000).Samples;
        int frameLength = Mp3FrameHeader.Parse(mp3)!.Value.Length;
        var frames = mp3.Length / frameLength;

        var junk = new byte[1000];
        new Random(4).NextBytes(junk);
        byte[] spliced = [.. mp3.AsSpan(0, 10 * frameLength), .. junk, .. mp3.AsSpan(10 * frameLength)];
        var decoded = AudioReader.Load(scratch.Write("junk.mp3", spliced), 16000, long.MaxValue, out var damage);
        Assert.Equal(reference.Length, decoded.Samples.Length);
        Assert.Equal("corrupt: skipped 1 damaged stretch(es) of 1,000 bytes", damage?.Reason);
        Assert.Equal(reference.AsSpan(0, 5 * 576).ToArray(), decoded.Samples.AsSpan(0, 5 * 576).ToArray());

        var firstBroken = (byte[])mp3.Clone();
        firstBroken[1] = 0x00; // the first frame's sync is gone: the audio starts at the second frame
        firstBroken[0] = 0xFF;
        decoded = AudioReader.Load(scratch.Write("first.mp3", firstBroken), 16000, long.MaxValue, out damage);
        Assert.Equal(reference.Length * (frames - 1) / frames, decoded.Samples.Length, 2.0);
        Assert.Contains("skipped 1 damaged stretch", damage?.Reason);

        var middle = (byte[])mp3.Clone();
        middle[2 * frameLength] = 0x12; // the third frame's sync is gone
        decoded = AudioReader.Load(scratch.Write("middle.mp3", middle), 16000, long.MaxValue, out damage);
        Assert.Equal(reference.Length * (frames - 1) / frames, decoded.Samples.Length, 2.0);
        Assert.Equal(AudioProblem.Corrupt, damage?.Problem);
    }

    // Point 21: a WAV's data chunk longer than the file, or an Ogg Vorbis file cut short, give what they hold.
    [Fact]
    public void ADamagedFileIsRecoveredInPrepareAndTag()
    {
        using var scratch = new Fixtures.Scratch();
        var wav = Fixture("pcm16-stereo-11k.wav");
        var cut = scratch.Write("cut.wav", wav[..(wav.Length / 2)]);
        var report = StoreWriter.Prepare(Listing(Fixtures.PathOf("pcm24-mono-16k.wav"), cut), Path.Combine(scratch.Folder, "store"),
            new PrepareOptions(MaxClipSamples: null, Workers: 1));
        Assert.Equal(2, report.Manifest.Clips);
        var recovered = Assert.Single(report.Recovered);
        Assert.Equal(cut, recovered.Item);
        Assert.Matches(@"^truncated: the data chunk declares 8,820 bytes, the file holds 4,371; kept 0\.\d\d s$", recovered.Reason);
        Assert.Contains("\"recovered\":", File.ReadAllText(Path.Combine(scratch.Folder, "store", "index.jsonl")));

        TorchSharp.torch.manual_seed(1);
        using var model = new SampleCnn.Models.TaggingCnn(SampleCnn.Models.ModelSpec.Parse("3^4"), 2);
        var tagger = new SampleCnn.Tagging.Tagger(model, ["x", "y"], TorchSharp.torch.CPU);
        var results = tagger.Tag([cut, Fixtures.PathOf("pcm24-mono-16k.wav")]).ToList();
        Assert.False(results[0].Failed);
        Assert.StartsWith("truncated: the data chunk declares", results[0].Recovered);
        Assert.Null(results[1].Recovered);
    }

    // Point 21: prepare's summary counts and lists recovered files; tag's JSON and CSV carry the field.
    [Fact]
    public void PrepareAndTagVerbsShowRecoveredFiles()
    {
        using var scratch = new Fixtures.Scratch();
        var wav = Fixture("pcm16-stereo-11k.wav");
        scratch.Write("cut.wav", wav[..(wav.Length / 2)]);
        File.Copy(Fixtures.PathOf("vorbis-mono-22k.ogg"), Path.Combine(scratch.Folder, "fine.ogg"));
        Fifo(scratch.Folder, "pipe.wav");
        var annotations = scratch.Write("tags.csv", "file,tags,split\ncut.wav,rock,train\nfine.ogg,jazz,train\npipe.wav,rock,test\n"u8.ToArray());
        var (code, output, _) = Within(60, () => Cli.CliRunner.Run("prepare", "csv", "--annotations", annotations, "--audio", scratch.Folder,
            "--out", Path.Combine(scratch.Folder, "store"), "--workers", "1"));
        Assert.Equal(0, code);
        Assert.Contains("1 damaged source file(s) were recovered", output);
        Assert.Matches(@"cut\.wav: truncated: the data chunk declares 8,820 bytes, the file holds 4,371; kept 0\.10 s", output);
        Assert.Contains("pipe.wav: empty file (0 bytes), or not a regular file", output);

        var (model, checkpoint) = Tagging.TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var (tagCode, json, _) = Cli.CliRunner.RunWithWidth(1000, "tag", Path.Combine(scratch.Folder, "cut.wav"), "--model", checkpoint, "--json");
        Assert.Equal(0, tagCode);
        using var record = System.Text.Json.JsonDocument.Parse(json.Trim());
        Assert.StartsWith("truncated: the data chunk declares", record.RootElement.GetProperty("recovered").GetString());
        var (_, csv, _) = Cli.CliRunner.RunWithWidth(1000, "tag", Path.Combine(scratch.Folder, "cut.wav"), "--model", checkpoint, "--csv");
        Assert.StartsWith("file,segments,padded,error,recovered,", csv);
        Assert.Contains(",\"truncated: the data chunk declares", csv);
    }

    // Point 21: NVorbis ended the stream at the first damaged page (a page 1 s into a 5-s file left nothing).
    [Fact]
    public void AnOggVorbisFileWithADamagedPageKeepsTheOtherPages()
    {
        if (FfmpegDecoder.Executable is null) return; // the 5-s file is made by ffmpeg
        using var scratch = new Fixtures.Scratch();
        var ogg = AudioFuzz.Seeds(scratch.Folder).Single(s => s.Name == "long-44k.ogg").Bytes;
        var original = scratch.Write("original.ogg", ogg);
        var pages = new List<int>();
        for (int at = 0; (at = ogg.AsSpan(at).IndexOf("OggS"u8) is var i and >= 0 ? at + i : -1) >= 0; at += 4) pages.Add(at);
        Assert.True(pages.Count > 5);
        var damaged = (byte[])ogg.Clone();
        damaged[(pages[3] + pages[4]) / 2] ^= 0x10; // the second page of audio

        var whole = AudioReader.Load(original).Samples.Length;
        var kept = AudioReader.Load(scratch.Write("damaged.ogg", damaged), Waveform.PaperSampleRate, long.MaxValue, out var damage).Samples.Length;
        Assert.StartsWith("corrupt: left out 1 damaged Ogg page(s)", damage?.Reason);
        Assert.InRange(kept, 0.7 * whole, whole - 0.1 * Waveform.PaperSampleRate);
    }

    // Point 21: refusals say what is wrong in words, never a library's exception text.
    [Fact]
    public void FilesWithNoDecodableAudioAreRefusedWithAReadableReason()
    {
        using var scratch = new Fixtures.Scratch();
        var mp3 = Fixture("mtat-like-16k-mono.mp3");
        var noise = new byte[3000];
        new Random(2).NextBytes(noise);
        byte[] headerOnly = [.. mp3.AsSpan(0, 4), .. new byte[100]];
        foreach (var (name, bytes) in new[] { ("noise.mp3", noise), ("header-only.mp3", headerOnly), ("noise.ogg", [.. "OggS"u8, .. noise]) })
        {
            var path = scratch.Write(name, bytes);
            var error = Assert.Throws<AudioDecodeException>(() => AudioReader.Load(path));
            Assert.DoesNotContain("Exception", error.Reason);
            Assert.DoesNotContain("Index was outside", error.Reason);
        }
    }
}
