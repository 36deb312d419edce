using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Cli;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>`tag --engine onnx`: ONNX Runtime scores every segment as libtorch does, and is refused where it cannot run.</summary>
public sealed class OnnxEngineTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void OnnxRuntimeTagsEverySegmentAsLibtorch() => EngineTagsEverySegmentAsLibtorch(scratch.Folder, TaggerEngine.Onnx, 1e-5);

    /// <summary>Two MP3s tagged with libtorch and with <paramref name="engine"/>: the same segments, every score within <paramref name="tolerance"/>.</summary>
    internal static void EngineTagsEverySegmentAsLibtorch(string folder, TaggerEngine engine, double tolerance)
    {
        var (model, checkpoint) = TaggerTests.TinyModel(folder);
        model.Dispose();
        string[] files = [Fixtures.PathOf("mtat-like-16k-mono.mp3"), Fixtures.PathOf("msd-like-44k-stereo.mp3")];
        FileTags[] Tag(TaggerEngine engine)
        {
            using var session = TaggingSession.Open(files, checkpoint, new ModelOpenOptions(), new TaggerOptions(BatchSize: 5, Engine: engine), null, CPU);
            return session.Run().ToArray();
        }
        var torch = Tag(TaggerEngine.Torch);
        var other = Tag(engine);
        Assert.Equal(torch.Select(t => t.Segments), other.Select(t => t.Segments));
        Assert.True(torch.Sum(t => t.Segments) > 20);
        var worst = torch.Zip(other, (a, b) => a.SegmentScores.Zip(b.SegmentScores, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(worst < tolerance, $"largest difference {worst}");
    }

    /// <summary>`tag --embedding --engine onnx`: each segment's scores, and the clip's mean penultimate vector (the graph's second output), as libtorch's.</summary>
    [Fact]
    public void OnnxRuntimeTagsWithLibtorchsEmbedding()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        FileTags[] Tagged(TaggerEngine engine)
        {
            using var session = TaggingSession.Open([Fixtures.PathOf("mtat-like-16k-mono.mp3"), Fixtures.PathOf("msd-like-44k-stereo.mp3")], checkpoint, new ModelOpenOptions(),
                new TaggerOptions(BatchSize: 5, Engine: engine, Embedding: true), null, CPU);
            return session.Run().ToArray();
        }
        var (torch, onnx) = (Tagged(TaggerEngine.Torch), Tagged(TaggerEngine.Onnx));
        Assert.Equal(torch.Select(t => t.Segments), onnx.Select(t => t.Segments));
        for (int f = 0; f < torch.Length; f++)
        {
            Assert.Equal(512, onnx[f].Embedding!.Length);
            Assert.True(torch[f].Embedding!.Zip(onnx[f].Embedding!, (t, o) => Math.Abs(t - o) / Math.Max(1, Math.Abs(t))).Max() < 1e-4);
            Assert.True(torch[f].SegmentScores.Zip(onnx[f].SegmentScores, (t, o) => Math.Abs(t - o)).Max() < 1e-4);
        }
    }

    [Fact]
    public void TheInt8GraphTagsNearLibtorch()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var store = Training.TinyDataset.Create(System.IO.Path.Combine(scratch.Folder, "tiny"));
        string[] files = [Fixtures.PathOf("mtat-like-16k-mono.mp3")];
        FileTags[] Tag(TaggerOptions options)
        {
            using var session = TaggingSession.Open(files, checkpoint, new ModelOpenOptions(), options, null, CPU);
            return session.Run().ToArray();
        }
        var torch = Tag(new TaggerOptions(BatchSize: 5));
        var int8 = Tag(new TaggerOptions(BatchSize: 5, Engine: TaggerEngine.Onnx, Int8Store: store));
        var worst = torch[0].ClipScores.Zip(int8[0].ClipScores, (x, y) => Math.Abs(x - y)).Max();
        // 8 bits calibrated on the tiny store's tones, tagging music: near, not equal (so the int8 graph is what ran).
        Assert.InRange(worst, 1e-6, 0.05);
        var error = Assert.Throws<OptionException>(() => Tag(new TaggerOptions(Int8Store: store)));
        Assert.Contains("runs on the ONNX Runtime engine", error.Message);
    }

    [Fact]
    public void TheInt8GraphGivesTheSameScoresWhateverTheDecodersAndBf16StaysNearFp32()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var store = Training.TinyDataset.Create(System.IO.Path.Combine(scratch.Folder, "tiny"));
        string[] files = [Fixtures.PathOf("msd-like-44k-stereo.mp3"), Fixtures.PathOf("mtat-like-16k-mono.mp3"), Fixtures.PathOf("vorbis-mono-22k.ogg")];
        FileTags[] Tag(TaggerOptions options)
        {
            using var session = TaggingSession.Open(files, checkpoint, new ModelOpenOptions(), options, null, CPU);
            return session.Run().ToArray();
        }
        static double Worst(FileTags[] a, FileTags[] b) => a.Zip(b, (x, y) => x.SegmentScores.Zip(y.SegmentScores, (p, q) => Math.Abs(p - q)).Max()).Max();
        // Several decoders interleave the files' segments in the batches: each segment's scores stay its own.
        var one = Tag(new TaggerOptions(BatchSize: 5, Engine: TaggerEngine.Onnx, Int8Store: store, DecodeThreads: 1));
        var three = Tag(new TaggerOptions(BatchSize: 5, Engine: TaggerEngine.Onnx, Int8Store: store, DecodeThreads: 3));
        Assert.Equal(files, three.Select(t => t.Path));
        Assert.Equal(one.Select(t => t.Segments), three.Select(t => t.Segments));
        Assert.True(Worst(one, three) < 1e-5, $"largest difference {Worst(one, three)}");
        // bf16 through the tagger: TaggerOptions states ~1e-2 from fp32.
        var fp32 = Tag(new TaggerOptions(BatchSize: 5));
        var bf16 = Tag(new TaggerOptions(BatchSize: 5, BFloat16: true));
        Assert.InRange(Worst(fp32, bf16), 1e-6, 2e-2);
    }

    [Fact]
    public void TheVerbTakesTheEngineAndRefusesWhatItCannotRun()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var mp3 = Fixtures.PathOf("mtat-like-16k-mono.mp3");
        var (code, output, error) = CliRunner.Run("tag", mp3, "--model", checkpoint, "--engine", "onnx", "--json");
        Assert.True(code == 0, error);
        Assert.StartsWith($"{{\"file\":\"{mp3}\"", output);

        (code, _, error) = CliRunner.Run("tag", mp3, "--model", checkpoint, "--engine", "onnx", "--precision", "bf16");
        Assert.Equal((2, "samplecnn: --engine onnx: ONNX Runtime runs fp32 here: bf16 precision is libtorch's"), (code, error.Trim()));
        (code, _, error) = CliRunner.Run("tag", mp3, "--model", checkpoint, "--engine", "tensorrt");
        Assert.Equal(2, code);
        Assert.Contains("--engine 'tensorrt': expected torch, onnx or winograd", error);
        (code, _, error) = CliRunner.Run("tag", mp3, "--model", checkpoint, "--precision", "int8");
        Assert.Equal(2, code);
        Assert.Contains("--precision int8 needs --engine onnx and --calibrate STORE", error);
        (code, _, error) = CliRunner.Run("embed", mp3, "--model", checkpoint, "--precision", "int8", "--out", Path.Combine(scratch.Folder, "e.npy"));
        Assert.Equal(2, code);
        Assert.Contains("--precision int8 is tag's", error);
    }
}
