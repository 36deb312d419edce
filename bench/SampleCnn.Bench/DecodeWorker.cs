using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Audio.Decoding;

namespace SampleCnn.Bench;

/// <summary>
/// Times decode + downmix + resample to 22050 Hz of whole MP3 files, one iteration = every file <c>repeat</c> times:
/// ours in-process on one thread, or ffmpeg as a child process per file (`-threads 1`, `-stream_loop repeat-1`),
/// so that with a large repeat ffmpeg's process start-up is spread over many decodes, as ours is in one process.
/// With <c>cpu</c> the times are CPU time (user + system) instead of wall-clock time: ours from this process (every
/// thread, GC and JIT included), ffmpeg's from its own <c>-benchmark</c> report. On a loaded machine this is the
/// speed per core, which wall-clock time under contention is not.
/// </summary>
static class DecodeWorker
{
    public static void Run(IReadOnlyList<string> files, int warmup, int iterations, bool ffmpeg, int repeat = 1, bool cpu = false)
    {
        var self = Process.GetCurrentProcess();
        var buffer = new float[1 << 16];
        double checksum = 0;
        var times = new List<double>();
        for (int i = 0; i < warmup + iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            double ffmpegCpuMs = 0;
            foreach (var file in files)
                checksum += ffmpeg ? RunFfmpeg(file, repeat, ref ffmpegCpuMs) : Enumerable.Range(0, repeat).Sum(_ => DecodeOurs(file, buffer));
            self.Refresh();
            double ms = !cpu ? clock.Elapsed.TotalMilliseconds : ffmpeg ? ffmpegCpuMs : (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            if (i >= warmup) times.Add(ms);
        }
        var version = ffmpeg ? "ffmpeg " + FfmpegVersion() : $"SampleCnn Audio ({Mpg123.Describe(Mpg123.Default)} frames, polyphase resampler)";
        Console.WriteLine(JsonSerializer.Serialize(new Run(times.ToArray(), ffmpeg ? double.NaN : PeakRss.Megabytes(), version, 1, checksum), Json.Options));
    }

    static double DecodeOurs(string file, float[] buffer)
    {
        using var reader = new AudioReader(file);
        long samples = 0;
        for (int n; (n = reader.Read(buffer)) > 0;) samples += n;
        return samples;
    }

    static double RunFfmpeg(string file, int repeat, ref double cpuMs)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "info", "-hide_banner", "-nostats", "-benchmark", "-nostdin", "-threads", "1", "-stream_loop", $"{repeat - 1}", "-i", file, "-ac", "1", "-ar", "22050", "-f", "f32le", "-" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.BaseStream;
        var chunk = new byte[1 << 16];
        long bytes = 0;
        for (int n; (n = stdout.Read(chunk)) > 0;) bytes += n;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {file}: {error.Result}");
        // -benchmark at level info: "bench: utime=0.123s stime=0.004s rtime=0.130s"
        var times = System.Text.RegularExpressions.Regex.Match(error.Result, @"utime=([0-9.]+)s stime=([0-9.]+)s");
        if (!times.Success) throw new InvalidOperationException($"no -benchmark times from ffmpeg: {error.Result}");
        cpuMs += 1000 * (double.Parse(times.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + double.Parse(times.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
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
