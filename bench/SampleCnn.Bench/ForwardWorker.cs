using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// Times our eager fp32 forward pass, or one training step (SGD Nesterov, BCE on logits), on the fixed
/// input, the way reference.py times PyTorch's; or the same weights run by ONNX Runtime as `tag --engine onnx` runs
/// them (<see cref="OnnxRuntimeNetwork"/>), or by our Winograd engine as `tag --engine winograd` runs them (<see cref="WinogradNetwork"/>).
/// </summary>
static class ForwardWorker
{
    /// <summary>The parts of a training step, timed separately (median ms each); reference.py names the same.</summary>
    public static readonly string[] Phases = ["zero_grad", "forward", "loss", "backward", "step"];

    /// <param name="fold">Inference the way `tag` runs it: BatchNorm folded, inference mode.</param>
    /// <param name="int8">With <paramref name="onnx"/>: the static int8 graph (`export --onnx --int8`).</param>
    /// <param name="layers">With <paramref name="winograd"/>: also each layer's share of the time, on stderr.</param>
    public static void Run(string model, string inputPath, int batch, int tags, int warmup, int iterations, bool trainStep, bool fold = false, bool bf16 = false,
        bool onnx = false, bool int8 = false, bool winograd = false, bool layers = false, bool cpuClock = false)
    {
        // cpu: the process's CPU time instead of the wall clock, which a loaded machine stretches (with 1 thread, the step's work).
        Func<double> now = cpuClock ? () => Environment.CpuUsage.TotalTime.TotalMilliseconds : () => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
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
        // The trainer's optimizer, with the reference's settings.
        var optimizer = new SampleCnn.Training.SGD(net.parameters(), 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-7);
        if (trainStep) net.train(); else net.eval();
        if (fold) net.FoldBatchNorm();
        // bf16: inference on a bfloat16 network; a training step under bfloat16 autocast (train --precision bf16).
        bool bf16Network = bf16 && !trainStep;
        var input = bf16Network ? x.to(ScalarType.BFloat16) : x;
        if (bf16Network) net.to(ScalarType.BFloat16);
        using var onnxNetwork = onnx ? new OnnxRuntimeNetwork(net, get_num_threads(), int8 ? Calibrated(net, x) : null) : null;
        using var winogradNetwork = winograd ? new WinogradNetwork(net, get_num_threads()) : null;

        // A training step allocates as `train` does: through the block cache (the Trainer's scope).
        using var blockCache = trainStep ? TensorBlockCache.Scope() : null;
        var times = new List<double>();
        var phaseTimes = Phases.Select(_ => new List<double>()).ToArray();
        double checksum = 0;
        for (int i = 0; i < warmup + iterations; i++)
        {
            var start = now();
            using (var scope = NewDisposeScope())
            {
                if (trainStep)
                {
                    var marks = new double[Phases.Length + 1];
                    optimizer.zero_grad();
                    marks[1] = now() - start;
                    Tensor logits;
                    using (bf16 ? new Autocast(DeviceType.CPU) : null) logits = net.Logits(x);
                    marks[2] = now() - start;
                    var loss = nn.functional.binary_cross_entropy_with_logits(logits.to(ScalarType.Float32), targets);
                    marks[3] = now() - start;
                    loss.backward();
                    marks[4] = now() - start;
                    optimizer.step();
                    marks[5] = now() - start;
                    checksum = loss.item<float>();
                    if (i >= warmup)
                        for (int p = 0; p < Phases.Length; p++) phaseTimes[p].Add(marks[p + 1] - marks[p]);
                }
                else if (onnxNetwork is not null)
                    checksum = onnxNetwork.forward(x).sum().item<float>();
                else if (winogradNetwork is not null)
                {
                    if (layers && i == warmup) winogradNetwork.LayerTicks = new long[winogradNetwork.LayerCount];
                    checksum = winogradNetwork.forward(x).sum().item<float>();
                }
                else if (fold)
                    using (inference_mode()) checksum = net.forward(input).to(ScalarType.Float32).sum().item<float>();
                else
                    using (no_grad()) checksum = net.forward(x).sum().item<float>();
            }
            var elapsed = now() - start;
            if (i >= warmup) times.Add(elapsed);
        }
        if (winogradNetwork?.LayerTicks is { } ticks)
            Console.Error.WriteLine("per layer, ms of thread time per iteration (layer 1, modules 1..n, head): " +
                string.Join(", ", ticks.Select(t => (t * 1000.0 / Stopwatch.Frequency / iterations).ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));
        var runtime = winograd ? "C#, Winograd F(6,3)" : onnx ? $"ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}{(int8 ? ", int8" : "")}" : $"TorchSharp {typeof(torch).Assembly.GetName().Version}";
        var phases = trainStep ? Phases.Select((name, p) => (name, Comparison.Median(phaseTimes[p]))).ToDictionary() : null;
        var run = new Run(times.ToArray(), PeakRss.Megabytes(), runtime, get_num_threads(), checksum, phases);
        Console.WriteLine(JsonSerializer.Serialize(run, Json.Options));
    }

    /// <summary>The int8 graph's ranges from the timed input itself (as `export --int8` takes them from a store's segments).</summary>
    static Dictionary<string, (float Min, float Max)> Calibrated(TaggingCnn net, Tensor x)
    {
        net.FoldBatchNorm();
        return net.ActivationRanges(x.split(8));
    }
}
