using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>Times our eager fp32 forward pass on the fixed input, the way reference.py times PyTorch's.</summary>
static class ForwardWorker
{
    public static void Run(string model, string inputPath, int batch, int tags, int warmup, int iterations)
    {
        manual_seed(0);
        var spec = ModelSpec.Parse(model);
        using var net = new TaggingCnn(spec, tags);
        net.eval();
        var samples = InputFile.Read(inputPath);
        using var x = tensor(samples).reshape(batch, 1, spec.InputSamples);

        var times = new List<double>();
        double checksum = 0;
        using (no_grad())
            for (int i = 0; i < warmup + iterations; i++)
            {
                var clock = Stopwatch.StartNew();
                using var y = net.forward(x);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (i >= warmup) times.Add(elapsed);
                checksum = y.sum().item<float>();
            }
        var run = new Run(times.ToArray(), PeakRss.Megabytes(), $"TorchSharp {typeof(torch).Assembly.GetName().Version}", get_num_threads(), checksum);
        Console.WriteLine(JsonSerializer.Serialize(run, Json.Options));
    }
}
