using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Models;
using SampleCnn.Tagging;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>Times `tag` end to end: MP3 files to clip scores with the 3^9 model, every segment of every file.</summary>
static class TagWorker
{
    /// <param name="int8Store">With the ONNX engine: its int8 graph, calibrated on this store (`tag --precision int8 --calibrate`).</param>
    /// <param name="batch">Segments per forward pass; <paramref name="decodeThreads"/>: files decoded at once (null: the tagger's default).</param>
    public static void Run(IReadOnlyList<string> files, int warmup, int iterations, bool bf16, TaggerEngine engine = TaggerEngine.Torch, string? int8Store = null,
        int batch = TaggerOptions.DefaultBatchSize, int? decodeThreads = null)
    {
        manual_seed(0);
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        using var tagger = new Tagger(model, Enumerable.Range(0, 50).Select(i => $"tag{i}").ToArray(), CPU, new TaggerOptions(BatchSize: batch, BFloat16: bf16, Engine: engine, DecodeThreads: decodeThreads, Int8Store: int8Store));
        var times = new List<double>();
        double checksum = 0;
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            checksum = tagger.Tag(files).Sum(r => r.ClipScores.Sum());
            if (i >= warmup) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Run(times.ToArray(), PeakRss.Megabytes(), engine == TaggerEngine.Winograd ? "fp32, Winograd F(6,3) (C#)" : engine == TaggerEngine.Onnx ? int8Store is null ? "fp32, ONNX Runtime" : "int8, ONNX Runtime" : bf16 ? "bf16, folded" : "fp32, folded", get_num_threads(), checksum), Json.Options));
    }

    /// <summary>Clip scores of the files in one precision and engine, for the differences from fp32.</summary>
    public static float[] Scores(IReadOnlyList<string> files, TaggerOptions options)
    {
        manual_seed(0);
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), 50);
        using var tagger = new Tagger(model, Enumerable.Range(0, 50).Select(i => $"tag{i}").ToArray(), CPU, options);
        return tagger.Tag(files).SelectMany(r => r.ClipScores).ToArray();
    }
}
