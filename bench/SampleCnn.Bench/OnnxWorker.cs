using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Inference;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// Times ONNX Runtime as `tag --engine onnx` runs it (<see cref="OnnxRuntimeNetwork"/>: the graph `export --onnx` writes,
/// ORT's graph optimisations on): the same weights as <see cref="ForwardWorker"/> (seed 0), the same fixed input.
/// </summary>
static class OnnxWorker
{
    public static void Run(string model, string inputPath, int batch, int tags, int warmup, int iterations, int threads)
    {
        manual_seed(0);
        var spec = ModelSpec.Parse(model);
        using var cnn = new TaggingCnn(spec, tags);
        cnn.eval();
        using var net = new OnnxRuntimeNetwork(cnn, threads);
        using var x = tensor(InputFile.Read(inputPath)).reshape(batch, 1, spec.InputSamples);

        var times = new List<double>();
        double checksum = 0;
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scores = net.forward(x)) checksum = scores.sum().item<float>();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i >= warmup) times.Add(elapsed);
        }
        var run = new Run(times.ToArray(), PeakRss.Megabytes(), $"ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}", threads, checksum);
        Console.WriteLine(JsonSerializer.Serialize(run, Json.Options));
    }
}
