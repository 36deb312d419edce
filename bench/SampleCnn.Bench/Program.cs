using System.Globalization;
using SampleCnn.Audio.Decoding;
using SampleCnn.Bench;
using SampleCnn.Models;
using SampleCnn.Platform;

// bench: `forward` and `train-step` compare ours with the PyTorch reference (bench/reference.py);
// `decode` compares our MP3 decode + resample with ffmpeg's (speed), `decode-snr` our decode with ffmpeg's (samples); `data` measures prepare and the batch loader;
// `serve-load` puts a `samplecnn serve` process under N concurrent clients; `tag` measures inference (network part and end to end from MP3s) against PyTorch and the FMA peak; `int8-auc` the ROC-AUC of the int8 ONNX graph against fp32. The `worker-*` verbs are the measured
// processes a comparison starts; not meant to be run by hand.
var options = Options.Parse(args.Skip(1));
switch (args.FirstOrDefault())
{
    case "worker-forward":
        NativeRuntime.Initialize(options.Int("threads", Environment.ProcessorCount));
        ForwardWorker.Run(options.Text("model", "3^9"), options.Text("input", ""), options.Int("batch", 10),
            options.Int("tags", 50), options.Int("warmup", 3), options.Int("iters", 10), options.Text("mode", "forward") == "train-step",
            fold: options.Text("fold", "no") == "yes", bf16: options.Text("precision", "fp32") == "bf16", onnx: options.Text("engine", "torch") == "onnx",
            int8: options.Text("precision", "fp32") == "int8", winograd: options.Text("engine", "torch") == "winograd", layers: options.Text("layers", "no") == "yes",
            cpuClock: options.Text("clock", "wall") == "cpu");
        return 0;

    case "worker-decode":
        DecodeWorker.Run(options.Text("files", "").Split(','), options.Int("warmup", 1), options.Int("iters", 5), ffmpeg: options.Text("decoder", "ours") == "ffmpeg", options.Int("repeat", 1), cpu: options.Text("clock", "wall") == "cpu");
        return 0;

    case "decode":
    {
        var benchDir = options.Text("bench-dir", "bench");
        var folder = Path.Combine(benchDir, "out", "mp3");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, $"*{options.Text("match", "")}*.mp3").Order().ToArray() : [];
        if (files.Length == 0)
        {
            Console.Error.WriteLine($"no MP3s in {folder}: run bench/setup.sh first");
            return 1;
        }
        int repeat = options.Int("repeat", 1);
        var seconds = repeat * files.Sum(f => AudioDuration(f));
        string[] common = ["--files", string.Join(',', files), "--warmup", $"{options.Int("warmup", 1)}", "--iters", $"{options.Int("iters", 5)}", "--repeat", $"{repeat}", "--clock", options.Text("clock", "wall")];
        var self = Environment.ProcessPath!;
        var selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(Options).Assembly.Location } : [];
        Contender[] contenders =
        [
            new($"SampleCnn decode ({Mpg123.Describe(Mpg123.Default)}) + resample, 1 thread", self, [.. selfArgs, "worker-decode", .. common, "--decoder", "ours"]),
            new("ffmpeg -ac 1 -ar 22050 -f f32le, -threads 1", self, [.. selfArgs, "worker-decode", .. common, "--decoder", "ffmpeg"]),
        ];
        var title = string.Create(CultureInfo.InvariantCulture,
            $"MP3 decode + downmix + resample to 22050 Hz: {files.Length} files x {repeat}, {seconds:F1} s of audio per iteration, {(options.Text("clock", "wall") == "cpu" ? "CPU time" : "wall-clock time")} ({string.Join(", ", files.Select(Path.GetFileName))}; ffmpeg: one process per file, -stream_loop {repeat - 1})");
        Console.WriteLine(Comparison.Run(title, contenders, options.Int("rounds", 5), Console.Error, seconds));
        return 0;
    }

    case "decode-snr":
        Console.WriteLine(DecodeSnr.Run(options.Text("files", "").Split(',', StringSplitOptions.RemoveEmptyEntries)));
        return 0;

    case "worker-tag":
        NativeRuntime.Initialize(options.Int("threads", Environment.ProcessorCount));
        TagWorker.Run(options.Text("files", "").Split(','), options.Int("warmup", 1), options.Int("iters", 3), options.Text("precision", "fp32") == "bf16",
            Enum.Parse<SampleCnn.Tagging.TaggerEngine>(options.Text("engine", "torch"), ignoreCase: true),
            options.Text("precision", "fp32") == "int8" ? options.Text("calibrate", "") : null,
            options.Int("batch", SampleCnn.Tagging.TaggerOptions.DefaultBatchSize), options.Int("decode-threads", 0) is > 0 and var d ? d : null);
        return 0;

    case "tag":
        NativeRuntime.Initialize(options.Int("threads", Environment.ProcessorCount));
        Console.WriteLine(TagBench.Run(options.Text("bench-dir", "bench"), options.Text("python", "/usr/bin/python3"), options.Int("rounds", 3), options.Int("threads", Environment.ProcessorCount)));
        return 0;

    case "serve-load":
    {
        var benchDir = options.Text("bench-dir", "bench");
        var cli = options.Text("cli", Path.Combine(benchDir, "..", "src", "SampleCnn.Cli", "bin", "Release", "net10.0", "SampleCnn.Cli.dll"));
        var clients = options.Text("clients", "1,4,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine(ServeLoad.Run(benchDir, cli, clients, options.Int("requests", 4), options.Int("queue", 8), options.Int("rounds", 1), options.Int("threads", Environment.ProcessorCount)));
        return 0;
    }

    case "int8-auc":
    {
        NativeRuntime.Initialize(options.Int("threads", Environment.ProcessorCount));
        var (run, store) = (options.Text("model", ""), options.Text("store", ""));
        if (run == "" && store == "")
            (run, store) = Int8Auc.Make(options.Text("make", Path.Combine(options.Text("bench-dir", "bench"), "out", "precision-auc")),
                options.Int("clips", 2000), options.Int("epochs", 1), options.Int("seed", Seeds.Default), Console.Error);
        Console.WriteLine(Int8Auc.Run(run, store, options.Int("threads", Environment.ProcessorCount)));
        return 0;
    }

    case "data":
        NativeRuntime.Initialize(options.Int("threads", Environment.ProcessorCount));
        Console.WriteLine(DataBench.Run(options.Text("bench-dir", "bench"), options.Int("clips", 40), options.Int("rounds", 3), options.Int("steps", 12)));
        return 0;

    case "forward" or "train-step":
    {
        var mode = args[0];
        bool training = mode == "train-step";
        var model = options.Text("model", "3^9");
        int batch = options.Int("batch", training ? 23 : 10), threads = options.Int("threads", Environment.ProcessorCount);
        int warmup = options.Int("warmup", training ? 2 : 3), iterations = options.Int("iters", training ? 5 : 10), rounds = options.Int("rounds", training ? 3 : 5);
        var python = options.Text("python", "/usr/bin/python3");
        var benchDir = options.Text("bench-dir", "bench");
        var spec = ModelSpec.Parse(model);
        var input = InputFile.Write(Path.Combine(benchDir, "out"), checked(batch * (int)spec.InputSamples), seed: 1234);

        string[] common = ["--model", model, "--input", input, "--batch", $"{batch}", "--threads", $"{threads}", "--warmup", $"{warmup}", "--iters", $"{iterations}", "--mode", mode, "--clock", options.Text("clock", "wall")];
        // glibc's default allocator makes a PyTorch training step ~15 s: time fewer of those.
        string[] untuned = [.. common.SkipLast(8), "--warmup", "1", "--iters", training ? "1" : $"{iterations}", .. common.TakeLast(4)];
        var self = Environment.ProcessPath!;
        var selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(Options).Assembly.Location } : [];
        var reference = Path.Combine(benchDir, "reference.py");
        var tuned = new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736" };
        Contender[] contenders =
        [
            new(training ? "SampleCnn (TorchSharp, block cache)" : "SampleCnn (TorchSharp, mallopt)", self, [.. selfArgs, "worker-forward", .. common]),
            new("PyTorch reference, tuned malloc", python, [reference, .. common], tuned),
            .. training ? [new Contender("SampleCnn, bf16 autocast (train --precision bf16)", self, [.. selfArgs, "worker-forward", .. common, "--precision", "bf16"])] : Array.Empty<Contender>(),
            .. options.Text("untuned", "yes") == "yes" ? [new Contender("PyTorch reference, glibc defaults", python, [reference, .. untuned])] : Array.Empty<Contender>(),
        ];
        var title = training
            ? string.Create(CultureInfo.InvariantCulture, $"Training step, {model}, fp32, batch [{batch},1,{spec.InputSamples}], SGD Nesterov, BCE on logits, {threads} threads")
            : string.Create(CultureInfo.InvariantCulture, $"Forward pass, {model}, eager fp32, input [{batch},1,{spec.InputSamples}] ({batch * spec.InputMilliseconds / 1000:F1} s of audio), {threads} threads");
        Console.WriteLine(Comparison.Run(title, contenders, rounds, Console.Error));
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: SampleCnn.Bench forward|train-step [--model 3^9] [--batch 10] [--rounds 5] [--iters 10] [--warmup 3] [--threads N] [--clock wall|cpu] [--untuned no] [--python /usr/bin/python3] [--bench-dir bench]");
        Console.Error.WriteLine("       SampleCnn.Bench tag [--rounds 3] [--threads N] [--python /usr/bin/python3] [--bench-dir bench]");
        Console.Error.WriteLine("       SampleCnn.Bench serve-load [--clients 1,4,16] [--requests 4] [--queue 8] [--rounds 1] [--threads N] [--cli src/SampleCnn.Cli/bin/Release/net10.0/SampleCnn.Cli.dll] [--bench-dir bench]");
        Console.Error.WriteLine("       SampleCnn.Bench data [--clips 40] [--rounds 3] [--steps 12] [--threads N] [--bench-dir bench]");
        Console.Error.WriteLine("       SampleCnn.Bench decode [--match NAME] [--repeat 1] [--clock wall|cpu] [--rounds 5] [--iters 5] [--warmup 1] [--bench-dir bench]");
        Console.Error.WriteLine("       SampleCnn.Bench decode-snr --files A.mp3,B.mp3 (our decode against ffmpeg's, per granule)");
        return 2;
}

static double AudioDuration(string path)
{
    using var reader = new AudioReader(path);
    var buffer = new float[1 << 16];
    long samples = 0;
    for (int n; (n = reader.Read(buffer)) > 0;) samples += n;
    return samples / (double)reader.SampleRate;
}

/// <summary>--name value pairs.</summary>
sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < list.Count; i += 2)
        {
            if (!list[i].StartsWith("--")) throw new ArgumentException($"expected --option, got '{list[i]}'");
            values[list[i][2..]] = list[i + 1];
        }
        return new Options(values);
    }

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);
    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
