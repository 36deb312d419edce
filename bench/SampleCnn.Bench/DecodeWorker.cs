using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Audio.Decoding;

namespace SampleCnn.Bench;

/// <summary>
/// Times decode + downmix + resample to 22050 Hz of whole MP3 files, one iteration = every file <c>repeat</c> times:
/// ours in-process on one thread, or ffmpeg as a child process per file (`-threads 1`, `-stream_loop repeat-1`),
/// so that with a large repeat ffmpeg's process start-up is spread over many decodes, as ours is in one process.
/// </summary>
static class DecodeWorker
{
    public static void Run(IReadOnlyList<string> files, int warmup, int iterations, bool ffmpeg, int repeat = 1)
    {
        var buffer = new float[1 << 16];
        double checksum = 0;
        var times = new List<double>();
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var file in files)
                checksum += ffmpeg ? RunFfmpeg(file, repeat) : Enumerable.Range(0, repeat).Sum(_ => DecodeOurs(file, buffer));
            if (i >= warmup) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        var version = ffmpeg ? "ffmpeg " + FfmpegVersion() : "SampleCnn Audio (NLayer frames, polyphase resampler)";
        Console.WriteLine(JsonSerializer.Serialize(new Run(times.ToArray(), ffmpeg ? double.NaN : PeakRss.Megabytes(), version, 1, checksum), Json.Options));
    }

    static double DecodeOurs(string file, float[] buffer)
    {
        using var reader = new AudioReader(file);
        long samples = 0;
        for (int n; (n = reader.Read(buffer)) > 0;) samples += n;
        return samples;
    }

    static double RunFfmpeg(string file, int repeat)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-threads", "1", "-stream_loop", $"{repeat - 1}", "-i", file, "-ac", "1", "-ar", "22050", "-f", "f32le", "-" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.BaseStream;
        var chunk = new byte[1 << 16];
        long bytes = 0;
        for (int n; (n = stdout.Read(chunk)) > 0;) bytes += n;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {file}: {error.Result}");
        return bytes / 4;
    }

    static string FfmpegVersion()
    {
        var start = new ProcessStartInfo("ffmpeg", "-version") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var first = process.StandardOutput.ReadLine() ?? "";
        process.WaitForExit();
        return first.Split(' ').ElementAtOrDefault(2) ?? "?";
    }
}
