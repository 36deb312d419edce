using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Synthesis;

namespace SampleCnn.Bench;

/// <summary>
/// Inference: the network part (batch of 32 segments; ours eager, folded fp32, folded bf16, ONNX Runtime, Winograd in 512- and 256-bit registers; PyTorch eager
/// fp32) as GFLOP/s against the measured FMA peak, and `tag` end to end from MP3 files in x real time.
/// </summary>
static class TagBench
{
    const int Batch = 32;
    const double GflopPerSegment = 3.456; // 2 x 1,728,067,712 multiply-accumulates

    public static string Run(string benchDir, string python, int rounds, int threads)
    {
        var spec = ModelSpec.Parse("3^9");
        var input = InputFile.Write(Path.Combine(benchDir, "out"), Batch * (int)spec.InputSamples, seed: 1234);
        var self = Environment.ProcessPath!;
        string[] selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(Options).Assembly.Location] : [];
        string[] common = ["--model", "3^9", "--input", input, "--batch", $"{Batch}", "--threads", $"{threads}", "--warmup", "2", "--iters", "8", "--mode", "forward"];
        var tuned = new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736" };
        // The runtime told to ignore AVX-512 stands in for a CPU with AVX2 and FMA only: the Winograd engine's 256-bit code.
        var avx2Only = new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0" };
        var audioPerBatch = Batch * spec.InputMilliseconds / 1000;
        Contender[] network =
        [
            new("ours, eager fp32 (no_grad)", self, [.. selfArgs, "worker-forward", .. common]),
            new("ours, folded fp32 (inference mode)", self, [.. selfArgs, "worker-forward", .. common, "--fold", "yes"]),
            new("ours, folded bf16 (inference mode)", self, [.. selfArgs, "worker-forward", .. common, "--fold", "yes", "--precision", "bf16"]),
            new("ours exported (export --onnx), ONNX Runtime fp32", self, [.. selfArgs, "worker-forward", .. common, "--engine", "onnx"]),
            new("ours exported int8 (export --onnx --int8), ONNX Runtime", self, [.. selfArgs, "worker-forward", .. common, "--engine", "onnx", "--precision", "int8"]),
            new("ours, Winograd F(6,3) fp32 (C#)", self, [.. selfArgs, "worker-forward", .. common, "--engine", "winograd"]),
            new("ours, Winograd F(6,3) fp32 (C#), 256-bit (AVX-512 off)", self, [.. selfArgs, "worker-forward", .. common, "--engine", "winograd"], avx2Only),
            new("PyTorch reference, eager fp32, tuned malloc", python, [Path.Combine(benchDir, "reference.py"), .. common], tuned),
        ];
        var (networkTable, medians) = Comparison.Measure(
            string.Create(CultureInfo.InvariantCulture, $"Network part: 3^9 forward, [{Batch},1,59049] ({audioPerBatch:F1} s of audio), {threads} threads"),
            network, rounds, Console.Error, audioPerBatch);

        var peak = FmaPeak(benchDir, threads);
        var text = new StringBuilder(networkTable);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"FMA peak measured with bench/fma-peak.c ({threads} threads, 12 independent AVX-512 FMA chains each): {peak:F0} GFLOP/s.");
        text.AppendLine();
        text.AppendLine("| contender | GFLOP/s | % of FMA peak |");
        text.AppendLine("|---|---:|---:|");
        foreach (var (label, ms) in medians)
        {
            var gflops = Batch * GflopPerSegment / (ms / 1000);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {gflops:F0} | {100 * gflops / peak:F0}% |");
        }
        text.AppendLine();

        var files = TagInputs(benchDir);
        var calibration = CalibrationStore(benchDir);
        double seconds = files.Sum(f => AudioReader.Load(f).Duration.TotalSeconds);
        string[] tagArgs = ["--files", string.Join(',', files), "--threads", $"{threads}", "--warmup", "1", "--iters", "3"];
        Contender[] endToEnd =
        [
            new("ours, `tag` fp32 end to end", self, [.. selfArgs, "worker-tag", .. tagArgs]),
            new("ours, `tag` bf16 end to end", self, [.. selfArgs, "worker-tag", .. tagArgs, "--precision", "bf16"]),
            new("ours, `tag --engine onnx` fp32 end to end", self, [.. selfArgs, "worker-tag", .. tagArgs, "--engine", "onnx"]),
            new("ours, `tag --engine winograd` fp32 end to end", self, [.. selfArgs, "worker-tag", .. tagArgs, "--engine", "winograd"]),
            new("ours, `tag --engine winograd` fp32 end to end, 256-bit (AVX-512 off)", self, [.. selfArgs, "worker-tag", .. tagArgs, "--engine", "winograd"], avx2Only),
            new("ours, `tag --engine onnx --precision int8` end to end", self, [.. selfArgs, "worker-tag", .. tagArgs, "--engine", "onnx", "--precision", "int8", "--calibrate", calibration]),
        ];
        var (endTable, endMedians) = Comparison.Measure(
            string.Create(CultureInfo.InvariantCulture, $"End to end: `tag` on {files.Length} MP3 files ({seconds:F1} s of audio, every segment), 3^9, {threads} threads"),
            endToEnd, rounds, Console.Error, seconds);
        text.Append(endTable);
        var referenceRealTime = audioPerBatch / (medians[network[^1].Label] / 1000); // the PyTorch reference, listed last
        text.AppendLine();
        foreach (var (label, ms) in endMedians)
            text.AppendLine(CultureInfo.InvariantCulture, $"- {label}: {seconds / (ms / 1000):F1}x real time = {seconds / (ms / 1000) / referenceRealTime:F2}x the PyTorch reference's eager forward ({referenceRealTime:F1}x real time on the same segments)");

        var fp32 = TagWorker.Scores(files, new SampleCnn.Tagging.TaggerOptions());
        foreach (var (label, options) in new[] { ("bf16", new SampleCnn.Tagging.TaggerOptions(BFloat16: true)),
                     ("int8 (ONNX Runtime)", new SampleCnn.Tagging.TaggerOptions(Engine: SampleCnn.Tagging.TaggerEngine.Onnx, Int8Store: calibration)),
                     ("Winograd fp32", new SampleCnn.Tagging.TaggerOptions(Engine: SampleCnn.Tagging.TaggerEngine.Winograd)) })
        {
            var other = TagWorker.Scores(files, options);
            var difference = fp32.Zip(other, (a, b) => Math.Abs(a - b)).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"- {label} against fp32 clip scores: max |difference| {difference.Max():E2}, mean {difference.Average():E2} ({fp32.Length} scores)");
        }
        return text.ToString();
    }

    // Four copies of each fixed MP3: enough segments (88) for several batches, so decoding can overlap the network.
    static string[] TagInputs(string benchDir)
    {
        var folder = Directory.CreateDirectory(Path.Combine(benchDir, "out", "tag-mp3")).FullName;
        var files = new List<string>();
        foreach (var mp3 in Directory.GetFiles(Path.Combine(benchDir, "out", "mp3"), "*.mp3").Order())
            for (int copy = 0; copy < 4; copy++)
            {
                var path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(mp3)}-{copy}.mp3");
                if (!File.Exists(path)) File.Copy(mp3, path);
                files.Add(path);
            }
        return files.ToArray();
    }

    /// <summary>
    /// The store the int8 graph is calibrated on, made here so the int8 row needs no download: 24 synthetic 30-s clips
    /// (the demo's music, a fixed seed; 20 in the training split, 220 segments of 3^9) prepared as `prepare csv` does.
    /// </summary>
    static string CalibrationStore(string benchDir) =>
        SyntheticStore.Make(Path.Combine(benchDir, "out", "calibration"), clips: 24, seconds: 30, seed: Seeds.Default);

    static double FmaPeak(string benchDir, int threads)
    {
        var start = new ProcessStartInfo(Path.Combine(benchDir, "out", "fma-peak"), "200000000") { RedirectStandardOutput = true };
        start.Environment["OMP_NUM_THREADS"] = $"{threads}";
        var best = 0.0;
        for (int i = 0; i < 3; i++)
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("run bench/setup.sh first (bench/out/fma-peak)");
            var json = JsonDocument.Parse(process.StandardOutput.ReadToEnd());
            process.WaitForExit();
            best = Math.Max(best, json.RootElement.GetProperty("gflops").GetDouble());
        }
        return best;
    }
}
