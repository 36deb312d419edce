using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Inference;
using SampleCnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// Times our eager fp32 forward pass, or one training step (SGD Nesterov, BCE on logits), on the fixed
/// input, the way reference.py times PyTorch's; or the same weights run by ONNX Runtime as `tag --engine onnx` runs
/// them (<see cref="OnnxRuntimeNetwork"/>).
/// </summary>
static class ForwardWorker
{
    /// <param name="fold">Inference the way `tag` runs it: BatchNorm folded, inference mode.</param>
    /// <param name="int8">With <paramref name="onnx"/>: the static int8 graph (`export --onnx --int8`).</param>
    public static void Run(string model, string inputPath, int batch, int tags, int warmup, int iterations, bool trainStep, bool fold = false, bool bf16 = false,
        bool onnx = false, bool int8 = false)
    {
        manual_seed(0);
        var spec = ModelSpec.Parse(model);
        using var net = new TaggingCnn(spec, tags);
        var samples = InputFile.Read(inputPath);
        using var x = tensor(samples).reshape(batch, 1, spec.InputSamples);
        // The same targets as reference.py's fixed_targets.
        var targetValues = new float[batch * tags];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < tags; j++) targetValues[i * tags + j] = (7 * i + 3 * j) % 5 == 0 ? 1 : 0;
        using var targets = tensor(targetValues, [batch, tags]);
        var optimizer = optim.SGD(net.parameters(), 0.01, momentum: 0.9, nesterov: true, weight_decay: 1e-7);
        if (trainStep) net.train(); else net.eval();
        if (fold) net.FoldBatchNorm();
        var input = bf16 ? x.to(ScalarType.BFloat16) : x;
        if (bf16) net.to(ScalarType.BFloat16);
        using var onnxNetwork = onnx ? new OnnxRuntimeNetwork(net, get_num_threads(), int8 ? Calibrated(net, x) : null) : null;

        var times = new List<double>();
        double checksum = 0;
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                if (trainStep)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.binary_cross_entropy_with_logits(net.Logits(x), targets);
                    loss.backward();
                    optimizer.step();
                    checksum = loss.item<float>();
                }
                else if (onnxNetwork is not null)
                    checksum = onnxNetwork.forward(x).sum().item<float>();
                else if (fold)
                    using (inference_mode()) checksum = net.forward(input).to(ScalarType.Float32).sum().item<float>();
                else
                    using (no_grad()) checksum = net.forward(x).sum().item<float>();
            }
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i >= warmup) times.Add(elapsed);
        }
        var runtime = onnx ? $"ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}{(int8 ? ", int8" : "")}" : $"TorchSharp {typeof(torch).Assembly.GetName().Version}";
        var run = new Run(times.ToArray(), PeakRss.Megabytes(), runtime, get_num_threads(), checksum);
        Console.WriteLine(JsonSerializer.Serialize(run, Json.Options));
    }

    /// <summary>The int8 graph's ranges from the timed input itself (as `export --int8` takes them from a store's segments).</summary>
    static Dictionary<string, (float Min, float Max)> Calibrated(TaggingCnn net, Tensor x)
    {
        net.FoldBatchNorm();
        return net.ActivationRanges(x.split(8));
    }
}
