namespace SampleCnn.Audio.Decoding;

/// <summary>The ffmpeg and ffprobe executables the fallback decoder runs, and how long either may stay silent.</summary>
internal sealed record FfmpegTools(string Ffmpeg, string Ffprobe, TimeSpan StallTimeout)
{
    /// <summary>The default stall limit: ffprobe must answer, and ffmpeg produce output, within this time.</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>ffmpeg and ffprobe found on PATH, or null.</summary>
    public static FfmpegTools? OnPath { get; } =
        FindOnPath("ffmpeg") is { } ffmpeg && FindOnPath("ffprobe") is { } ffprobe ? new(ffmpeg, ffprobe, DefaultStallTimeout) : null;

    static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name))
        .FirstOrDefault(File.Exists);
}
