using System.Diagnostics;
using System.Globalization;

namespace SampleCnn.Audio;

/// <summary>
/// Any other format (FLAC, Opus, M4A, ...) through an `ffmpeg` found on PATH: ffprobe names the
/// first audio stream's rate and channels, ffmpeg streams it as raw float32 on stdout.
/// </summary>
public sealed class FfmpegDecoder : IAudioDecoder
{
    private readonly Process process;
    private readonly Stream output;
    private readonly string path;
    private readonly Task<string> errors;
    private byte[] buffer = [];
    private int carried;

    public int SampleRate { get; }
    public int Channels { get; }

    /// <summary>The ffmpeg executable on PATH, or null.</summary>
    public static string? Executable { get; } = FindOnPath("ffmpeg");

    static readonly string? Probe = FindOnPath("ffprobe");

    public FfmpegDecoder(string path, string formatName)
    {
        this.path = path;
        if (Executable is null || Probe is null)
            throw new AudioDecodeException(path, AudioProblem.UnsupportedCodec, $"{formatName} needs ffmpeg, which is not on PATH (install it, e.g. apt-get install ffmpeg)");

        var probe = RunToEnd(Probe, "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0", path);
        var fields = probe.Output.Trim().Split(',');
        if (probe.ExitCode != 0 || fields.Length != 2
            || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var rate) || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var channels)
            || rate < 1000 || channels < 1)
            throw new AudioDecodeException(path, probe.ExitCode != 0 ? AudioProblem.NotAudio : AudioProblem.UnsupportedCodec,
                $"{formatName}: ffmpeg found no decodable audio stream ({LastLine(probe.Error)})");
        (SampleRate, Channels) = (rate, channels);

        process = Start(Executable, "-v", "error", "-nostdin", "-i", path, "-map", "0:a:0", "-f", "f32le", "-c:a", "pcm_f32le", "-");
        output = process.StandardOutput.BaseStream;
        errors = process.StandardError.ReadToEndAsync();
    }

    public int Read(Span<float> interleaved)
    {
        int frameBytes = 4 * Channels, wanted = interleaved.Length / Channels * frameBytes;
        if (buffer.Length < wanted) Array.Resize(ref buffer, wanted);
        int filled = carried + output.ReadAtLeast(buffer.AsSpan(carried, wanted - carried), wanted - carried, throwOnEndOfStream: false);
        int frames = filled / frameBytes;
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, frames * frameBytes)).CopyTo(interleaved);
        carried = filled - frames * frameBytes;
        buffer.AsSpan(frames * frameBytes, carried).CopyTo(buffer);
        if (frames == 0)
        {
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new AudioDecodeException(path, AudioProblem.Corrupt, $"ffmpeg could not decode it: {LastLine(errors.Result)}");
        }
        return frames;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.Dispose();
    }

    static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name))
        .FirstOrDefault(File.Exists);

    static Process Start(string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
    }

    static (int ExitCode, string Output, string Error) RunToEnd(string exe, params string[] args)
    {
        using var p = Start(exe, args);
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, error.Result);
    }

    static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
