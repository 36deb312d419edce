using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// Times ONNX Runtime on the network `export --onnx` writes: the same weights as <see cref="ForwardWorker"/> (seed 0),
/// the same fixed input, ORT's graph optimisations all on (it folds the BatchNorms), one intra-op thread per core asked.
/// </summary>
static class OnnxWorker
{
    public static void Run(string model, string inputPath, int batch, int tags, int warmup, int iterations, int threads)
    {
        manual_seed(0);
        var spec = ModelSpec.Parse(model);
        using var net = new TaggingCnn(spec, tags);
        net.eval();
        var onnx = Path.Combine(Path.GetTempPath(), $"samplecnn-bench-{Environment.ProcessId}.onnx");
        using (var file = File.Create(onnx)) Google.Protobuf.MessageExtensions.WriteTo(net.ToOnnx(new Dictionary<string, string>()), file);
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(onnx, options);
        File.Delete(onnx);
        var input = new DenseTensor<float>(InputFile.Read(inputPath), [batch, 1, (int)spec.InputSamples]);
        var inputs = new[] { NamedOnnxValue.CreateFromTensor(OnnxGraph.Input, input) };

        var times = new List<double>();
        double checksum = 0;
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var results = session.Run(inputs)) checksum = results.Single().AsEnumerable<float>().Sum();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i >= warmup) times.Add(elapsed);
        }
        var run = new Run(times.ToArray(), PeakRss.Megabytes(), $"ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version}", threads, checksum);
        Console.WriteLine(JsonSerializer.Serialize(run, Json.Options));
    }
}
