using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Tests.Cli;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Inference;

/// <summary>`export --onnx` writes each waveform model of the family so that ONNX Runtime scores as we do.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly Audio.Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    /// <summary>A model with trained-looking BatchNorm statistics, saved as a state_dict of ours.</summary>
    (TaggingCnn Model, string Path) Saved(string spec, int tags)
    {
        manual_seed(11);
        var model = new TaggingCnn(ModelSpec.Parse(spec), tags);
        model.train();
        using (no_grad())
            for (int i = 0; i < 2; i++) model.forward(randn(4, 1, model.Spec.InputSamples) * 0.3).Dispose();
        model.eval();
        var path = System.IO.Path.Combine(scratch.Folder, $"{spec.Replace(':', '-').Replace('^', '-')}.pth");
        model.save_py(path);
        return (model, path);
    }

    string Tags(int count) => scratch.Write("tags.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, count).Select(i => $"t{i}")) + "\n"));

    [Theory]
    [InlineData("3^9")]
    [InlineData("2^14")]
    [InlineData("frame:729")]
    [InlineData("se:3^9")]
    [InlineData("rese2-multi:3^9")]
    [InlineData("won-sample")]
    [InlineData("won-se")]
    [InlineData("clmr")]
    public void OnnxRuntimeScoresAsTheNetwork(string spec)
    {
        var (model, pth) = Saved(spec, 6);
        using (model)
        {
            var onnx = System.IO.Path.Combine(scratch.Folder, "model.onnx");
            var info = ModelExport.ToOnnx(pth, new ModelOpenOptions(Spec: spec, TagsFile: Tags(6)), onnx);
            Assert.Equal(spec, info.Spec);

            manual_seed(3);
            using var input = randn(3, 1, model.Spec.InputSamples) * 0.3;
            float[] expected;
            using (inference_mode()) expected = model.forward(input).data<float>().ToArray();

            using var session = new InferenceSession(onnx);
            Assert.Equal(spec, session.ModelMetadata.CustomMetadataMap["spec"]);
            Assert.Equal("t1\nt2\nt3\nt4\nt5\nt6", session.ModelMetadata.CustomMetadataMap["tags"]);
            var waveform = new DenseTensor<float>(input.data<float>().ToArray(), [3, 1, (int)model.Spec.InputSamples]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("waveform", waveform)]);
            var actual = results.Single(r => r.Name == "scores").AsEnumerable<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst < 1e-5, $"largest difference {worst}");
        }
    }

    [Fact]
    public void TheVerbWritesOnnxAndRefusesTheMelFrontEnd()
    {
        var (model, pth) = Saved("3^4", 3);
        model.Dispose();
        var onnx = System.IO.Path.Combine(scratch.Folder, "tiny.onnx");
        var (code, output, error) = CliRunner.Run("export", "--model", pth, "--spec", "3^4", "--tags", Tags(3), "--onnx", onnx);
        Assert.True(code == 0, error);
        Assert.StartsWith($"wrote {onnx}: 3^4 with 3 tags at 22050 Hz, ONNX opset 17", output);
        Assert.True(new FileInfo(onnx).Length > 0);

        var (mel, melPth) = Saved("mel:729", 3);
        mel.Dispose();
        (code, _, error) = CliRunner.Run("export", "--model", melPth, "--spec", "mel:729", "--tags", Tags(3), "--onnx", onnx);
        Assert.Equal(2, code);
        Assert.Contains("the mel front end (an STFT) is not written to ONNX", error);
        (code, _, error) = CliRunner.Run("export", "--model", melPth);
        Assert.Equal(2, code);
        Assert.Contains("give --pytorch FILE, --onnx FILE or both", error);
    }
}
