using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Cli;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Inference;
using Spectre.Console.Testing;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>`embed`: a layer's features on tagging's path, pooled over time then segments, written as Parquet, .npy or JSON lines.</summary>
public sealed class EmbeddingSessionTests : IDisposable
{
    static readonly string Music = Fixtures.PathOf("mtat-like-16k-mono.mp3"); // 52 segments of the 243-sample 3^4
    static readonly string Other = Fixtures.PathOf("vorbis-mono-22k.ogg");

    readonly Fixtures.Scratch scratch = new();
    readonly TaggingCnn model;
    readonly string checkpoint;

    public EmbeddingSessionTests() => (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);

    public void Dispose()
    {
        model.Dispose();
        scratch.Dispose();
    }

    List<FileEmbedding> Embed(IReadOnlyList<string> files, EmbeddingOptions options, string output, TaggerOptions? tagger = null)
    {
        using var session = EmbeddingSession.Open(files, checkpoint, new ModelOpenOptions(), options, tagger ?? new TaggerOptions(BatchSize: 7), output, CPU);
        return session.Run().ToList();
    }

    /// <summary>
    /// The layer's activations computed directly by the unfolded model on the file's segments, [segments, channels, time]
    /// (the dense layer's input has one time step), pooled as the options say: each segment's, or all time steps of all segments at once.
    /// </summary>
    static float[] Direct(TaggingCnn model, string file, EmbeddingOptions options)
    {
        using var scope = NewDisposeScope();
        var segments = Segmenter.Cut(AudioReader.Load(file, model.Spec.SampleRate), SegmentPlan.All((int)model.Spec.InputSamples)).Select(s => s.Samples).ToList();
        var x = tensor(segments.SelectMany(s => s).ToArray(), [segments.Count, 1, model.Spec.InputSamples]);
        using var noGrad = no_grad();
        var a = options.Layer is { } k ? model.LayerOutputs(x)[k - 1] : model.Penultimate(x).unsqueeze(-1);
        if (!options.PerSegment) a = a.permute(1, 0, 2).reshape(1, a.shape[1], -1); // one "segment" holding every time step
        var pooled = options.Pool switch
        {
            EmbeddingPool.Mean => a.mean([-1]),
            EmbeddingPool.Max => a.amax([-1]),
            _ => cat([a.mean([-1]), a.amax([-1])], 1),
        };
        return pooled.contiguous().data<float>().ToArray();
    }

    static void Near(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1, Math.Abs(expected[i])), $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void EmbeddingsEqualTheLayersActivationsPooledOverAllTimeStepsOrPerSegment()
    {
        foreach (int? layer in new int?[] { null, 1, 3 })
            foreach (var pool in Enum.GetValues<EmbeddingPool>())
                foreach (var perSegment in new[] { false, true })
                {
                    var options = new EmbeddingOptions(layer, pool, perSegment);
                    var result = Embed([Music], options, Path.Combine(scratch.Folder, "e.jsonl")).Single();
                    long channels = layer is { } k ? model.Filters(k) : 512;
                    Assert.Equal(pool == EmbeddingPool.MeanMax ? 2 * channels : channels, result.Width);
                    Assert.Equal(52, result.Segments);
                    var direct = Direct(model, Music, options);
                    Near(direct, perSegment ? result.SegmentVectors : result.Vector);
                    if (perSegment) Near(Direct(model, Music, options with { PerSegment = false }), result.Vector); // per segment, then over segments: the same
                    else Assert.Empty(result.SegmentVectors);
                }
    }

    /// <summary>`embed --engine winograd`: libtorch's penultimate vectors, per file and per segment, in every pooling (bound 1e-4, relative above 1).</summary>
    [Avx512Fact]
    public void TheWinogradEngineGivesLibtorchsPenultimateVectors() =>
        EngineGivesLibtorchsPenultimateVectors(TaggerEngine.Winograd, "layer 3: the Winograd engine gives the penultimate vector only: a layer's output comes from libtorch");

    /// <summary>`embed --engine onnx`: the graph's embedding output is libtorch's penultimate vector, as above.</summary>
    [Fact]
    public void OnnxRuntimeGivesLibtorchsPenultimateVectors() =>
        EngineGivesLibtorchsPenultimateVectors(TaggerEngine.Onnx, "layer 3: ONNX Runtime's graph gives the penultimate vector only: a layer's output comes from libtorch");

    void EngineGivesLibtorchsPenultimateVectors(TaggerEngine engine, string layerRefused)
    {
        foreach (var pool in Enum.GetValues<EmbeddingPool>())
        {
            var options = new EmbeddingOptions(null, pool, PerSegment: true);
            var torch = Embed([Music, Other], options, Path.Combine(scratch.Folder, "t.jsonl"));
            var other = Embed([Music, Other], options, Path.Combine(scratch.Folder, "w.jsonl"), new TaggerOptions(BatchSize: 7, Engine: engine));
            for (int f = 0; f < 2; f++)
            {
                Assert.Equal(torch[f].Segments, other[f].Segments);
                Near(torch[f].Vector, other[f].Vector);
                Near(torch[f].SegmentVectors, other[f].SegmentVectors);
            }
        }
        var layer = Assert.ThrowsAny<ArgumentException>(() => Embed([Music], new EmbeddingOptions(3), Path.Combine(scratch.Folder, "l.jsonl"),
            new TaggerOptions(Engine: engine)));
        Assert.Equal(layerRefused, layer.Message);
    }

    /// <summary>The verb on ONNX Runtime writes libtorch's vectors; a layer number stays libtorch's, refused in one line.</summary>
    [Fact]
    public void TheVerbEmbedsOnOnnxRuntime()
    {
        string torch = Path.Combine(scratch.Folder, "t.jsonl"), onnx = Path.Combine(scratch.Folder, "o.jsonl");
        var error = new StringWriter();
        Assert.True(SampleCnnApp.Run(["embed", Music, "--model", checkpoint, "--out", torch], new TestConsole(), error) == 0, error.ToString());
        Assert.True(SampleCnnApp.Run(["embed", Music, "--model", checkpoint, "--out", onnx, "--engine", "onnx"], new TestConsole(), error) == 0, error.ToString());
        static float[] Vector(string path) => JsonDocument.Parse(File.ReadAllLines(path).Single()).RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Near(Vector(torch), Vector(onnx));
        error = new StringWriter();
        Assert.Equal(SampleCnnApp.UsageError, SampleCnnApp.Run(["embed", Music, "--model", checkpoint, "--out", onnx, "--engine", "onnx", "--layer", "3"], new TestConsole(), error));
        Assert.Equal("samplecnn: --engine onnx gives the penultimate vector only: use --engine torch for --layer N", error.ToString().TrimEnd());
    }

    [Fact]
    public async Task ParquetHoldsFileTimesAndTheVectorAsAListInRowGroupsOfTheGivenSize()
    {
        var output = Path.Combine(scratch.Folder, "e.parquet");
        var options = new EmbeddingOptions(3, EmbeddingPool.MeanMax, PerSegment: true, RowGroupRows: 20);
        var results = Embed([Music, Other], options, output);
        int width = results[0].Width, rows = results.Sum(r => r.Segments);
        Assert.False(File.Exists(output + ".tmp"));

        var read = await ReadParquet(output, width, perSegment: true);
        Assert.Equal((rows + 19) / 20, read.Groups);
        Assert.Equal(results.SelectMany(r => Enumerable.Repeat(r.Path, r.Segments)), read.Files);
        Assert.Equal(results.SelectMany(r => Enumerable.Range(0, r.Segments)), read.Counts);
        Assert.Equal(243 / 22050.0, read.Start[1], 9);
        Assert.Equal(2 * 243 / 22050.0, read.End[1], 9);
        Assert.Equal(results.SelectMany(r => r.SegmentVectors), read.Vectors);
        Assert.Contains($"layer 3 (module 2, {model.Filters(3)} channels)", read.Metadata["samplecnn.embedding"]);
        Assert.StartsWith(checkpoint, read.Metadata["samplecnn.model"]);

        var perFile = Path.Combine(scratch.Folder, "f.parquet");
        results = Embed([Music, Other], new EmbeddingOptions(), perFile);
        read = await ReadParquet(perFile, 512, perSegment: false);
        Assert.Equal(1, read.Groups);
        Assert.Equal([Music, Other], read.Files);
        Assert.Equal(results.Select(r => r.Segments), read.Counts); // the segments column
        Assert.Equal(results.SelectMany(r => r.Vector), read.Vectors);
    }

    sealed record ParquetRows(List<string?> Files, List<int> Counts, List<double> Start, List<double> End, List<float> Vectors, int Groups, Dictionary<string, string> Metadata);

    /// <summary>Reads every column back with Parquet.Net: file, segment or segments, times, and the list of floats checked to be one whole row each.</summary>
    static async Task<ParquetRows> ReadParquet(string path, int width, bool perSegment)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(perSegment ? ["file", "segment", "start_s", "end_s", "embedding/list/element"] : ["file", "segments", "embedding/list/element"],
            fields.Select(f => f.Path.ToString()));
        Assert.IsType<ListField>(reader.Schema.Fields[^1]);
        var all = new ParquetRows([], [], [], [], [], reader.RowGroupCount, new Dictionary<string, string>(reader.CustomMetadata));
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = (int)group.RowCount;
            var names = new string?[n];
            await group.ReadAsync(fields[0], names.AsMemory());
            all.Files.AddRange(names);
            var counts = new int[n];
            await group.ReadAsync<int>(fields[1], counts.AsMemory());
            all.Counts.AddRange(counts);
            if (perSegment)
            {
                var times = new double[n];
                await group.ReadAsync<double>(fields[2], times.AsMemory());
                all.Start.AddRange(times);
                times = new double[n];
                await group.ReadAsync<double>(fields[3], times.AsMemory());
                all.End.AddRange(times);
            }
            var values = new float[n * width];
            var (definition, repetition) = (new int[values.Length], new int[values.Length]);
            await group.ReadRawAsync<float>(fields[^1], values.AsMemory(), definition.AsMemory(), repetition.AsMemory());
            Assert.Equal(Enumerable.Range(0, values.Length).Select(i => i % width == 0 ? 0 : 1), repetition);
            all.Vectors.AddRange(values);
        }
        return all;
    }

    [Fact]
    public void NpyIsAFloat32MatrixWithItsRowsDescribedBeside()
    {
        var output = Path.Combine(scratch.Folder, "e.npy");
        var results = Embed([Music, Other], new EmbeddingOptions(2, EmbeddingPool.Max, PerSegment: true), output);
        int width = results[0].Width, rows = results.Sum(r => r.Segments);
        var bytes = File.ReadAllBytes(output);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal($"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {width}), }}", header.TrimEnd());
        Assert.EndsWith("\n", header);
        Assert.Equal(results.SelectMany(r => r.SegmentVectors), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(10 + headerLength)).ToArray());

        var lines = File.ReadAllLines(output + ".rows.jsonl");
        Assert.Equal(rows, lines.Length);
        using (var second = JsonDocument.Parse(lines[1]))
        {
            Assert.Equal(Music, second.RootElement.GetProperty("file").GetString());
            Assert.Equal(1, second.RootElement.GetProperty("segment").GetInt32());
            Assert.Equal(243 / 22050.0, second.RootElement.GetProperty("start_s").GetDouble(), 9);
            Assert.Equal(2 * 243 / 22050.0, second.RootElement.GetProperty("end_s").GetDouble(), 9);
        }

        if (!NumPyAvailable) return;
        var (code, text) = Python($"import numpy as np; a = np.load('{output}'); print(a.dtype, a.shape[0], a.shape[1], repr(float(a.astype(np.float64).sum())))");
        Assert.True(code == 0, text);
        var parts = text.Trim().Split(' ');
        Assert.Equal(["float32", $"{rows}", $"{width}"], parts[..3]);
        Assert.Equal(results.SelectMany(r => r.SegmentVectors).Sum(v => (double)v), double.Parse(parts[3], CultureInfo.InvariantCulture), 6);
    }

    static readonly Lazy<bool> numPy = new(() => File.Exists(Inference.PyTorchReference.Python) && Python("import numpy").Code == 0);

    static bool NumPyAvailable => numPy.Value;

    static (int Code, string Output) Python(string program)
    {
        var info = new ProcessStartInfo(Inference.PyTorchReference.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(program);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void JsonLinesHaveOneObjectPerFileWithItsVectorInAFolderMadeForThem()
    {
        var output = Path.Combine(scratch.Folder, "new", "e.jsonl");
        var results = Embed([Music, Other], new EmbeddingOptions(), output);
        var lines = File.ReadAllLines(output);
        Assert.Equal(2, lines.Length);
        for (int i = 0; i < 2; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(["file", "segments", "embedding"], json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(results[i].Path, json.RootElement.GetProperty("file").GetString());
            Assert.Equal(results[i].Segments, json.RootElement.GetProperty("segments").GetInt32());
            Assert.Equal(results[i].Vector, json.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()));
        }
    }

    [Fact]
    public void TheVerbListsABadFileWritesTheOthersAndExitsOne()
    {
        var bad = scratch.Write("bad.wav", "no"u8.ToArray());
        var output = Path.Combine(scratch.Folder, "e.jsonl");
        var console = new TestConsole().Width(300);
        var code = SampleCnnApp.Run(["embed", Music, bad, Other, "--model", checkpoint, "--out", output, "--pool", "meanmax"], console, new StringWriter());
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Contains($"{checkpoint}: SampleCnn checkpoint, 3^4, 4 tags, 22050 Hz, epoch 1", console.Output);
        Assert.Contains("the 512-wide input of the dense output layer, mean and maximum over the segments: 1024 values per file", console.Output);
        Assert.Contains($"wrote {output}: 2 row(s) of 1024 float32 from 2 file(s)", console.Output);
        Assert.Contains("1 of 3 file(s) could not be embedded", console.Output);
        Assert.Contains("bad.wav: the extension says WAV but the file does not start like one", console.Output);
        Assert.Equal([Music, Other], File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()));

        console = new TestConsole().Width(300);
        Assert.Equal(0, SampleCnnApp.Run(["embed", Music, "--model", checkpoint, "--out", Path.Combine(scratch.Folder, "e.npy"), "--layer", "2", "--per-segment"], console, new StringWriter()));
        Assert.Contains($"layer 2 (module 1, {model.Filters(2)} channels), mean over each segment's time steps: {model.Filters(2)} values per segment", console.Output);
        Assert.Contains($"rows described in {Path.Combine(scratch.Folder, "e.npy")}.rows.jsonl", console.Output);
    }

    [Fact]
    public void ARunFolderAndAStateDictWithItsSpecAndTagsGiveTheCheckpointsEmbeddings()
    {
        var expected = Embed([Music], new EmbeddingOptions(2), Path.Combine(scratch.Folder, "e.jsonl")).Single().Vector;
        var run = Directory.CreateDirectory(Path.Combine(scratch.Folder, "run")).FullName;
        File.Copy(checkpoint, Path.Combine(run, "best.ckpt"));
        var pth = Path.Combine(scratch.Folder, "tiny.pth");
        ModelExport.ToPyTorch(checkpoint, new ModelOpenOptions(), pth);
        var tags = scratch.Write("tags.txt", "a\nb\nc\nd\n"u8.ToArray());
        foreach (var source in new[] { ["--model", run], new[] { "--model", pth, "--spec", "3^4", "--tags", tags } })
        {
            var output = Path.Combine(scratch.Folder, "s.jsonl");
            var error = new StringWriter();
            Assert.True(SampleCnnApp.Run(["embed", Music, .. source, "--layer", "2", "--out", output], new TestConsole(), error) == 0, error.ToString());
            using var json = JsonDocument.Parse(File.ReadAllLines(output).Single());
            Near(expected, [.. json.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())]);
        }
    }

    [Fact]
    public void APublishedCheckpointEmbedsAsTheModelItWasWrittenFrom()
    {
        manual_seed(5);
        using var source = new TaggingCnn(ModelSpec.Parse("won-sample"), 50);
        source.eval();
        var pth = Path.Combine(scratch.Folder, "best_model.pth");
        using (var file = File.Create(pth))
            PyTorchPickler.PickleStateDict(file, source.state_dict().ToDictionary(p => WeightsLayout.WonSample.TheirKey(p.Key), p => p.Value));
        using var session = EmbeddingSession.Open([Music], pth, new ModelOpenOptions(), new EmbeddingOptions(), new TaggerOptions(), Path.Combine(scratch.Folder, "w.jsonl"), CPU);
        var result = session.Run().Single();
        Assert.Equal(1, result.Segments); // 0.58 s at 16 kHz: one padded 59049-sample segment
        Near(Direct(source, Music, new EmbeddingOptions()), result.Vector);
    }

    [Fact]
    public void AnInterruptedRunLeavesNoOutputUnderItsName()
    {
        var output = Path.Combine(scratch.Folder, "e.parquet");
        using var cancel = new CancellationTokenSource();
        using var session = EmbeddingSession.Open([Music, Other], checkpoint, new ModelOpenOptions(), new EmbeddingOptions(), new TaggerOptions(), output, CPU);
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in session.Run(cancel.Token)) cancel.Cancel();
        });
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("--pool", "median", "samplecnn: --pool 'median': expected mean, max or meanmax")]
    [InlineData("--layer", "last", "samplecnn: --layer 'last': expected penultimate or a layer's number")]
    [InlineData("--layer", "6", "samplecnn: --layer 6: this model has layers 1 to 5 (1 is the first layer, k the module k-1)")]
    [InlineData("--out", "e.csv", "samplecnn: --out e.csv: must end in .parquet, .npy or .jsonl")]
    [InlineData("--row-group", "0", "samplecnn: --row-group 0: must be at least 1")]
    [InlineData("--engine", "tensorrt", "samplecnn: --engine 'tensorrt': expected torch, onnx or winograd")]
    public void BadOptionsAreUsageErrorsNamingTheirFlag(string flag, string value, string message)
    {
        string[] args = ["embed", Music, "--model", checkpoint, "--out", Path.Combine(scratch.Folder, "e.parquet")];
        var error = new StringWriter();
        Assert.Equal(SampleCnnApp.UsageError, SampleCnnApp.Run([.. args, flag, value], new TestConsole(), error));
        Assert.Equal(message, error.ToString().TrimEnd());
        Assert.Empty(Directory.GetFiles(scratch.Folder, "e.*"));
    }

    [Fact]
    public void TheWinogradEngineTakesNoLayerNumber()
    {
        var error = new StringWriter();
        Assert.Equal(SampleCnnApp.UsageError, SampleCnnApp.Run(["embed", Music, "--model", checkpoint, "--out", Path.Combine(scratch.Folder, "e.npy"),
            "--engine", "winograd", "--layer", "3"], new TestConsole(), error));
        Assert.Equal("samplecnn: --engine winograd gives the penultimate vector only: use --engine torch for --layer N", error.ToString().TrimEnd());
    }

    [Fact]
    public void TorchScriptIsRefusedInOneLine()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "TorchScript", "tiny-729.pt");
        var tags = scratch.Write("tags.txt", "bright\ndark\nloud\n"u8.ToArray());
        var error = new StringWriter();
        var code = SampleCnnApp.Run(["embed", Music, "--model", script, "--tags", tags, "--out", Path.Combine(scratch.Folder, "e.parquet")], new TestConsole(), error);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal($"samplecnn: {script}: a TorchScript model cannot be used for embeddings; give a run folder, a SampleCnn checkpoint or a PyTorch state_dict", error.ToString().TrimEnd());
    }
}
