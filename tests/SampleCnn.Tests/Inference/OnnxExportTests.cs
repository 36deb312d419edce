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

    /// <summary>
    /// The graph's second output, <c>embedding</c>, is libtorch's <see cref="TaggingCnn.Penultimate"/> [batch, 512] for
    /// every head: the plain one, its variants (SE, ReSE-2, a 1x1 last conv, a hidden dense layer) and the multi-level one.
    /// </summary>
    [Theory]
    [InlineData("3^9")]
    [InlineData("se:3^9")]
    [InlineData("frame:729")]
    [InlineData("rese2-multi:3^9")]
    [InlineData("won-sample")]
    [InlineData("clmr")]
    public void TheEmbeddingOutputIsThePenultimateVector(string spec)
    {
        var (model, pth) = Saved(spec, 6);
        using (model)
        {
            var onnx = System.IO.Path.Combine(scratch.Folder, "model.onnx");
            ModelExport.ToOnnx(pth, new ModelOpenOptions(Spec: spec, TagsFile: Tags(6)), onnx);
            manual_seed(3);
            using var input = randn(3, 1, model.Spec.InputSamples) * 0.3;
            float[] expected;
            using (inference_mode()) expected = model.Penultimate(input).data<float>().ToArray();

            using var session = new InferenceSession(onnx);
            Assert.Equal(["scores", "embedding"], session.OutputNames);
            Assert.Equal([-1, 512], session.OutputMetadata["embedding"].Dimensions);
            var actual = Run(File.ReadAllBytes(onnx), input, "embedding");
            Assert.Equal(3 * 512, actual.Length);
            // Unlike sigmoid scores the vector is unbounded: 1e-5 absolute, relative above 1 (multi-level's reach 1.0e-5 at values of a few).
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1, Math.Abs(e))).Max();
            Assert.True(worst < 1e-5, $"largest difference {worst}");
        }
    }

    /// <summary>The node types of the graph ONNX Runtime runs after its optimisations (all levels, as OnnxRuntimeNetwork sets them).</summary>
    string OptimizedGraph(byte[] onnx)
    {
        var optimized = System.IO.Path.Combine(scratch.Folder, "optimized.onnx");
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized };
        using (new InferenceSession(onnx, options)) { }
        return System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(optimized));
    }

    static float[] Run(byte[] onnx, TorchSharp.torch.Tensor input, string output = "scores")
    {
        using var session = new InferenceSession(onnx);
        var waveform = new DenseTensor<float>(input.data<float>().ToArray(), input.shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("waveform", waveform)], [output]);
        return results.Single().AsEnumerable<float>().ToArray();
    }

    static byte[] Bytes(Onnx.ModelProto model) => Google.Protobuf.MessageExtensions.ToByteArray(model);

    [Fact]
    public void ConvolutionsRunInOnnxRuntimesBlockedLayout()
    {
        var (model, _) = Saved("3^9", 6);
        using (model)
            // The convolutions are written 2-D (a one-row image) so that ORT's NCHWc transformer takes them.
            Assert.Contains("com.microsoft.nchwc", OptimizedGraph(Bytes(model.ToOnnx(new Dictionary<string, string>()))));
    }

    [Fact]
    public void TheInt8GraphRunsAsQLinearConvNearTheFp32Scores()
    {
        var (model, _) = Saved("3^9", 6);
        using (model)
        {
            manual_seed(5);
            using var calibration = randn(16, 1, model.Spec.InputSamples) * 0.3;
            using var input = randn(4, 1, model.Spec.InputSamples) * 0.3;
            float[] expected;
            using (inference_mode()) expected = model.forward(input).data<float>().ToArray();
            model.FoldBatchNorm();
            var int8 = Bytes(model.ToOnnx(new Dictionary<string, string>(), model.ActivationRanges(calibration.split(4))));
            Assert.Contains("QLinearConv", OptimizedGraph(int8));
            var actual = Run(int8, input);
            var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            // Measured 0.019 here (random weights, noise in and out of the calibration's range); the bound says
            // "8 bits", not "another network". bench/RESULTS.md has the ROC-AUC change of a trained model.
            Assert.InRange(worst, 1e-6, 0.05);
            // The folded fp32 graph (no ranges) is the plain network's within fp32's tolerance.
            var fp32 = Bytes(model.ToOnnx(new Dictionary<string, string>()));
            var folded = Run(fp32, input);
            Assert.True(expected.Zip(folded, (e, a) => Math.Abs(e - a)).Max() < 1e-5);
            // The int8 graph's embedding output is the fp32 graph's within 8 bits' error, relative to the vector's largest value.
            float[] embedding = Run(fp32, input, "embedding"), int8Embedding = Run(int8, input, "embedding");
            var relative = embedding.Zip(int8Embedding, (e, a) => Math.Abs(e - a)).Max() / embedding.Max();
            Assert.InRange(relative, 1e-6, 0.06); // measured 0.032 (0.098 absolute, at a largest value of 3.05)
        }
    }

    [Fact]
    public void TheVerbWritesAnInt8GraphCalibratedOnAStore()
    {
        var store = Training.TinyDataset.Create(System.IO.Path.Combine(scratch.Folder, "tiny"));
        var (model, pth) = Saved("3^4", 3);
        model.Dispose();
        string fp32 = System.IO.Path.Combine(scratch.Folder, "fp32.onnx"), int8 = System.IO.Path.Combine(scratch.Folder, "int8.onnx");
        var (code, output, error) = CliRunner.Run("export", "--model", pth, "--spec", "3^4", "--tags", Tags(3), "--onnx", int8, "--int8", "--calibrate", store);
        Assert.True(code == 0, error);
        Assert.StartsWith($"wrote {int8}: 3^4 with 3 tags at 22050 Hz, ONNX opset 17, int8 convolutions", output);
        (code, _, error) = CliRunner.Run("export", "--model", pth, "--spec", "3^4", "--tags", Tags(3), "--onnx", fp32);
        Assert.True(code == 0, error);
        using (var session = new InferenceSession(int8))
            Assert.StartsWith("int8, calibrated on 256 training segments of ", session.ModelMetadata.CustomMetadataMap["precision"]);

        // Segments like those it was calibrated on (the store's test split): 8 bits cover their range, not any input's.
        using var opened = SampleCnn.Data.Store.SegmentStore.Open(store);
        using var clip = new SampleCnn.Data.Store.BatchLoader(opened, SampleCnn.Data.Sources.Split.Test, new SampleCnn.Audio.Signal.SegmentPlan(243, null, 243)).ClipByClip().First().ToTensor();
        using var input = clip[..8];
        var difference = Run(File.ReadAllBytes(fp32), input).Zip(Run(File.ReadAllBytes(int8), input), (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(difference, 1e-6, 0.02); // measured 0.005

        (code, _, error) = CliRunner.Run("export", "--model", pth, "--spec", "3^4", "--tags", Tags(3), "--onnx", int8, "--int8");
        Assert.Equal(2, code);
        Assert.Contains("--int8 and --calibrate STORE go together", error);
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
