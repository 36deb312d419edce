using SampleCnn.Audio.Decoding;
using SampleCnn.Cli;
using SampleCnn.Models;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

public class TaggerTests
{
    internal static readonly string[] Tags = ["a", "b", "c", "d"];

    /// <summary>An untrained 3^4 model (243-sample segments) with non-trivial BatchNorm statistics, saved as a checkpoint.</summary>
    internal static (TaggingCnn Model, string Checkpoint) TinyModel(string folder, string spec = "3^4")
    {
        manual_seed(5);
        var model = new TaggingCnn(ModelSpec.Parse(spec), Tags.Length);
        model.train();
        using (no_grad()) // a few batches in train mode give the BatchNorms running statistics to fold
            for (int i = 0; i < 3; i++) model.forward(randn(8, 1, model.Spec.InputSamples) * 0.3).Dispose();
        model.eval();
        var path = Path.Combine(folder, "tiny.ckpt");
        var optimizer = optim.SGD(model.parameters(), 0.01);
        Checkpoint.Save(path, new TrainingState(spec, Tags, 0.5, 1, 0, 0.5, 0, null), model, optimizer);
        return (model, path);
    }

    [Theory]
    [InlineData("3^4")]
    [InlineData("2^8")]
    [InlineData("frame:81")]
    [InlineData("se:3^4")]
    public void FoldingBatchNormKeepsTheOutputsWithin1e5(string spec)
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder, spec);
        using (model)
        {
            using var x = randn(6, 1, model.Spec.InputSamples) * 0.3;
            using var before = model.forward(x);
            model.FoldBatchNorm();
            using var after = model.forward(x);
            Assert.True(model.IsFolded);
            Assert.True((before - after).abs().max().item<float>() < 1e-5f);
        }
    }

    [Fact]
    public void DecodingStopsOnceTheAudioRunsPastTheSamplesAllowed()
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder);
        using (model)
        {
            using var tagger = new Tagger(model, Tags, CPU);
            var file = Fixtures.PathOf("mtat-like-16k-mono.mp3");
            int handed = 0;
            var whole = tagger.DecodeFile(file, _ => handed++, default);
            Assert.Equal((false, whole.Segments), (whole.TooLong, handed));
            Assert.True(whole.Segments > 40);
            handed = 0;
            var cut = tagger.DecodeFile(file, _ => handed++, default, maxSamples: 1000);
            Assert.True(cut.TooLong);
            Assert.Equal(1000 / 243, handed); // the 5th segment ends past sample 1000: nothing after it is read
            Assert.Equal(handed, cut.Segments);
        }
    }

    [Fact]
    public void SeveralDecodingThreadsGiveTheSameResultsInFileOrder()
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder);
        string[] names = ["msd-like-44k-stereo.mp3", "pcm16-stereo-11k.wav", "mtat-like-16k-mono.mp3", "vorbis-mono-22k.ogg", "float64-mono-8k.wav", "pcm8-mono-8k.wav"];
        var files = names.Select(Fixtures.PathOf).Append(Path.Combine(scratch.Folder, "missing.mp3")).ToList();
        using (model)
        {
            using var one = new Tagger(model, Tags, CPU, new TaggerOptions(BatchSize: 5, DecodeThreads: 1));
            using var three = new Tagger(model, Tags, CPU, new TaggerOptions(BatchSize: 5, DecodeThreads: 3));
            var expected = one.Tag(files).ToList();
            var actual = three.Tag(files).ToList();
            Assert.Equal(files, actual.Select(r => r.Path));
            Assert.Equal(expected.Select(r => (r.Segments, r.Error)), actual.Select(r => (r.Segments, r.Error)));
            foreach (var (e, a) in expected.Zip(actual))
                Assert.True(e.SegmentScores.Zip(a.SegmentScores, (x, y) => Math.Abs(x - y)).DefaultIfEmpty().Max() < 1e-6);
        }
    }

    [Fact]
    public void WithOnnxRuntimeEveryCoreDecodesUnlessTold()
    {
        // ORT's threads do not spin, so decoders may share their cores; libtorch's OpenMP threads keep one to one core.
        Assert.Equal(Environment.ProcessorCount, new TaggerOptions(Engine: TaggerEngine.Onnx).EffectiveDecodeThreads);
        Assert.Equal(Environment.ProcessorCount, new TaggerOptions(Engine: TaggerEngine.Winograd).EffectiveDecodeThreads);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - get_num_threads() + 1), new TaggerOptions().EffectiveDecodeThreads);
        Assert.Equal(1, new TaggerOptions(Engine: TaggerEngine.Onnx, DecodeThreads: 1).EffectiveDecodeThreads);
    }

    // AudioReader has a stereo MP3 mixed before synthesis; the scores stay those of decoding both channels and
    // averaging them (written to a float WAV here, which goes through the same resampler).
    [Theory]
    [InlineData("msd-like-44k-stereo.mp3")]
    [InlineData("mid-reservoir-44k-stereo.mp3")]
    public void StereoMp3MixedBeforeSynthesisKeepsTheScoresWithin1e5(string name)
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder);
        var mp3 = Fixtures.PathOf(name);
        float[] stereo;
        using (var decoder = AudioDecoders.Open(mp3))
        {
            var all = new List<float>();
            var buffer = new float[2000];
            for (int frames; (frames = decoder.Read(buffer)) > 0;) all.AddRange(buffer.AsSpan(0, frames * 2));
            stereo = all.ToArray();
        }
        var mono = new float[stereo.Length / 2];
        AudioReader.Downmix(stereo, 2, mono);
        var wav = Path.Combine(scratch.Folder, "averaged.wav");
        WavWriter.WriteMonoFloat(wav, mono, 44100);
        TagAlike(model, mp3, wav);
    }

    /// <summary>The MP3 and a WAV of its expected mono decode tag alike: the same segments, every score within 1e-5.</summary>
    static void TagAlike(TaggingCnn model, string mp3, string wav)
    {
        using (model)
        {
            var results = new Tagger(model, Tags, CPU, new TaggerOptions()).Tag([mp3, wav]).ToList();
            Assert.All(results, r => Assert.False(r.Failed, r.Error));
            Assert.Equal(results[1].Segments, results[0].Segments);
            Assert.True(results[0].Segments > 0);
            var worst = results[0].SegmentScores.Zip(results[1].SegmentScores, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-5, $"largest difference {worst:E2}");
        }
    }

    // The tagger's MP3 decode goes through libmpg123 where it is installed; its scores are those of NLayer's decode
    // (mono as the tagger asks, written to a float WAV, which goes through the same resampler) within 1e-5.
    [Mpg123Theory]
    [InlineData("mtat-like-16k-mono.mp3", 16000)]
    [InlineData("msd-like-44k-stereo.mp3", 44100)]
    public void Mpg123AndNLayerGiveTheSameScores(string name, int rate)
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder);
        var mp3 = Fixtures.PathOf(name);
        var nlayer = new List<float>();
        using (var stream = File.OpenRead(mp3))
        using (var decoder = new Mp3Decoder(mp3, stream, mono: true, library: null))
        {
            var buffer = new float[2000];
            for (int frames; (frames = decoder.Read(buffer)) > 0;) nlayer.AddRange(buffer.AsSpan(0, frames));
        }
        var wav = Path.Combine(scratch.Folder, "nlayer.wav");
        WavWriter.WriteMonoFloat(wav, nlayer.ToArray(), rate);
        TagAlike(model, mp3, wav);
    }

    [Fact]
    public void TagsEveryFormatInOrderWithSegmentScoresAndTheirMean()
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder);
        string[] names = ["pcm16-stereo-11k.wav", "mtat-like-16k-mono.mp3", "vorbis-mono-22k.ogg", "float64-mono-8k.wav", "extensible-6ch-8k.wav"];
        var files = names.Select(Fixtures.PathOf).Append(Path.Combine(scratch.Folder, "missing.mp3")).ToList();
        using (model)
        {
            var tagger = new Tagger(model, Tags, CPU, new TaggerOptions(BatchSize: 7));
            var results = tagger.Tag(files).ToList();
            Assert.Equal(files, results.Select(r => r.Path));
            foreach (var r in results.SkipLast(1))
            {
                Assert.False(r.Failed, r.Error);
                var duration = AudioReader.Load(r.Path).Samples.Length;
                Assert.Equal(Math.Max(1, duration / 243), r.Segments);
                Assert.Equal(r.Segments * Tags.Length, r.SegmentScores.Length);
                for (int j = 0; j < Tags.Length; j++)
                    Assert.Equal(Enumerable.Range(0, r.Segments).Average(s => r.SegmentScores[s * Tags.Length + j]), r.ClipScores[j], 5);
            }
            Assert.True(results[^1].Failed);
            Assert.Contains("cannot open", results[^1].Error);
        }
    }

    [Fact]
    public void ThePapersFirstTenSegmentsAndAPaddedShortFile()
    {
        using var scratch = new Fixtures.Scratch();
        var (model, _) = TinyModel(scratch.Folder, "3^7"); // 6561 samples: 0.3 s
        using (model)
        {
            var tagger = new Tagger(model, Tags, CPU, new TaggerOptions(SegmentsPerFile: 10));
            var results = tagger.Tag([Fixtures.PathOf("mtat-like-16k-mono.mp3"), Fixtures.PathOf("float64-mono-8k.wav")]).ToList();
            Assert.Equal(1, results[0].Segments); // 0.576 s at 22050 Hz holds one 6561-sample segment
            Assert.False(results[0].Padded);
            Assert.Equal(1, results[1].Segments); // 0.1 s: shorter than a segment
            Assert.True(results[1].Padded);
        }
    }

    [Fact]
    public void TheTagVerbPrintsTopTagsWritesTaggramsAndFailsOnlyForBadFiles()
    {
        using var scratch = new Fixtures.Scratch();
        var (model, checkpoint) = TinyModel(scratch.Folder);
        model.Dispose();
        var bad = scratch.Write("bad.wav", "no"u8.ToArray());
        var console = new TestConsole().Width(200);
        var error = new StringWriter();
        var taggrams = Path.Combine(scratch.Folder, "taggrams");
        var code = SampleCnnApp.Run(["tag", Fixtures.PathOf("mtat-like-16k-mono.mp3"), bad, Fixtures.PathOf("vorbis-mono-22k.ogg"),
            "--model", checkpoint, "--top", "2", "--taggram", taggrams], console, error);
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Contains("1 of 3 file(s) could not be tagged", console.Output);
        Assert.Contains("bad.wav: the extension says WAV but the file does not start like one", console.Output);
        Assert.Contains("mtat-like-16k-mono.mp3: 52 segment(s)", console.Output); // 12,701 samples at 22050 Hz / 243
        Assert.True(new FileInfo(Path.Combine(taggrams, "mtat-like-16k-mono.taggram.png")).Length > 1000);
        Assert.Equal(1 + 6615 / 243, File.ReadAllLines(Path.Combine(taggrams, "vorbis-mono-22k.taggram.csv")).Length);

        console = new TestConsole().Width(400);
        code = SampleCnnApp.Run(["tag", Fixtures.PathOf("mtat-like-16k-mono.mp3"), "--model", checkpoint, "--json"], console, new StringWriter());
        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(console.Output.Trim());
        Assert.Equal(Tags.Length, json.RootElement.GetProperty("scores").EnumerateObject().Count());

        error = new StringWriter();
        code = SampleCnnApp.Run(["tag", Fixtures.PathOf("mtat-like-16k-mono.mp3"), "--model", checkpoint, "--batch-size", "0"], new TestConsole(), error);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal("samplecnn: --batch-size 0: must be at least 1", error.ToString().TrimEnd());
    }
}
