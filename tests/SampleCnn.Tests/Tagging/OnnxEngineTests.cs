using SampleCnn.Inference;
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
    public void OnnxRuntimeTagsEverySegmentAsLibtorch()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        string[] files = [Fixtures.PathOf("mtat-like-16k-mono.mp3"), Fixtures.PathOf("msd-like-44k-stereo.mp3")];
        FileTags[] Tag(TaggerEngine engine)
        {
            using var session = TaggingSession.Open(files, checkpoint, new ModelOpenOptions(), new TaggerOptions(BatchSize: 5, Engine: engine), null, CPU);
            return session.Run().ToArray();
        }
        var torch = Tag(TaggerEngine.Torch);
        var onnx = Tag(TaggerEngine.Onnx);
        Assert.Equal(torch.Select(t => t.Segments), onnx.Select(t => t.Segments));
        Assert.True(torch.Sum(t => t.Segments) > 20);
        var worst = torch.Zip(onnx, (a, b) => a.SegmentScores.Zip(b.SegmentScores, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(worst < 1e-5, $"largest difference {worst}");
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
        Assert.Contains("--engine 'tensorrt': expected torch or onnx", error);
    }
}
