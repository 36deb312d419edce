using System.Diagnostics;
using System.Globalization;
using System.Text;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// Prepare throughput (clips/s on all cores) and the batch loader against a 3^9 training step, in one
/// process: the loader's cost per batch, what the training loop waits for it, and the step itself.
/// </summary>
static class DataBench
{
    public static string Run(string benchDir, int clips, int rounds, int steps)
    {
        var source = MakeCollection(Path.Combine(benchDir, "out", "prepare-source"), Path.Combine(benchDir, "out", "mp3", "mtat-like.mp3"), clips);
        var listing = CsvTags.Load(Path.Combine(source, "tags.csv"), source);
        var text = new StringBuilder();

        var prepareSeconds = new List<double>();
        string store = "";
        for (int round = 0; round < rounds; round++)
        {
            store = Path.Combine(benchDir, "out", "prepare-store");
            if (Directory.Exists(store)) Directory.Delete(store, recursive: true);
            var clock = Stopwatch.StartNew();
            StoreWriter.Prepare(listing, store, new PrepareOptions());
            prepareSeconds.Add(clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"prepare round {round + 1}/{rounds}: {prepareSeconds[^1]:F2} s");
        }
        var prepare = Comparison.Median(prepareSeconds);
        text.AppendLine(CultureInfo.InvariantCulture, $"### Prepare: {clips} MTAT-like MP3s (30 s, 16 kHz mono 32 kbps) into an int16 store, {Environment.ProcessorCount} workers");
        text.AppendLine();
        text.AppendLine("| median s | clips/s | x real time |");
        text.AppendLine("|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {prepare:F2} | {clips / prepare:F1} | {clips * 29.05 / prepare:F0} |");
        text.AppendLine();

        using var segments = SegmentStore.Open(store);
        var plan = SegmentPlan.Paper(59049);
        var loader = new BatchLoader(segments, Split.Train, plan);
        const int batch = 23;

        // The loader alone: how long the background thread needs per batch.
        var assemble = new List<double>();
        var clockAssemble = Stopwatch.StartNew();
        foreach (var b in loader.Epoch(0, batch, seed: 1))
        {
            assemble.Add(clockAssemble.Elapsed.TotalMilliseconds);
            clockAssemble.Restart();
        }

        // Training steps fed by the loader: the step, and what the loop waits for the next batch.
        manual_seed(0);
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), segments.Vocabulary.Count);
        model.train();
        var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9, nesterov: true, weight_decay: 1e-7);
        var stepTimes = new List<double>();
        var waits = new List<double>();
        int seen = 0;
        var wait = Stopwatch.StartNew();
        foreach (var b in loader.Epoch(1, batch, seed: 1))
        {
            waits.Add(wait.Elapsed.TotalMilliseconds);
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var (x, y) = b.ToTensors();
                optimizer.zero_grad();
                var loss = nn.functional.binary_cross_entropy_with_logits(model.Logits(x), y);
                loss.backward();
                optimizer.step();
            }
            stepTimes.Add(clock.Elapsed.TotalMilliseconds);
            Console.Error.WriteLine($"step {seen + 1}: {stepTimes[^1]:F0} ms, waited {waits[^1]:F1} ms");
            if (++seen == steps) break;
            wait.Restart();
        }
        // The first wait includes starting the background thread; the first step includes warm-up.
        double step = Comparison.Median(stepTimes.Skip(1).ToArray()), load = Comparison.Median(assemble.Skip(1).ToArray()), waited = Comparison.Median(waits.Skip(1).ToArray());
        text.AppendLine(CultureInfo.InvariantCulture, $"### Batch loader against a 3^9 training step (B = {batch}, 59049 samples, SGD Nesterov, {get_num_threads()} threads)");
        text.AppendLine();
        text.AppendLine("| loader ms per batch (background) | loop waits ms per batch | training step ms | loader / step | wait / step |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {load:F1} | {waited:F2} | {step:F0} | {100 * load / step:F2}% | {100 * waited / step:F3}% |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Medians over {assemble.Count - 1} loader batches and {stepTimes.Count - 1} steps (the first of each left out as warm-up).");
        return text.ToString();
    }

    // A collection in the `prepare csv` form: copies of one fixed MP3 under distinct names.
    static string MakeCollection(string folder, string mp3, int clips)
    {
        if (!File.Exists(mp3)) throw new FileNotFoundException($"{mp3}: run bench/setup.sh first");
        Directory.CreateDirectory(folder);
        var lines = new List<string> { "file,tags,split" };
        for (int i = 0; i < clips; i++)
        {
            var name = $"clip{i:D4}.mp3";
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) File.Copy(mp3, path);
            lines.Add($"{name},{(i % 2 == 0 ? "rock" : "jazz")},train");
        }
        File.WriteAllLines(Path.Combine(folder, "tags.csv"), lines);
        return folder;
    }
}
