using System.Diagnostics;
using System.Globalization;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Any other format (FLAC, Opus, M4A, ...) through ffmpeg: ffprobe names the first audio stream's rate
/// and channels, ffmpeg streams it as raw float32 on stdout. The files are untrusted, so ffmpeg may read
/// the one local file only (protocol whitelist "file", no playlists or other demuxers that open further
/// files or URLs), is killed when it stalls for <see cref="FfmpegTools.StallTimeout"/> or the decode is
/// cancelled. What ffmpeg decodes before an error is kept and the file reported as recovered.
/// </summary>
internal sealed class FfmpegDecoder : IAudioDecoder
{
    /// <summary>Demuxers of audio files; playlists (hls, concat, ...) and image sequences are not among them.</summary>
    const string Demuxers = "wav,w64,rf64,mp3,ogg,flac,mov,aiff,matroska,aac,ac3,eac3,dts,wv,ape,tta,tak,caf,amr,au,asf,mpc,mpc8,loas,truehd,voc,xwma,avi";

    private readonly Process process;
    private readonly Stream output;
    private readonly string path;
    private readonly CancellationToken cancel;
    private readonly CancellationTokenSource stall = new();
    private readonly CancellationTokenSource stopped;
    private readonly CancellationTokenRegistration killer;
    private readonly TimeSpan stallTimeout;
    private string? lastError;
    private byte[] buffer = [];
    private int carried;
    private long framesRead;

    public int SampleRate { get; }
    public int Channels { get; }
    public AudioDamage? Damage { get; private set; }

    /// <summary>The ffmpeg executable on PATH, or null.</summary>
    public static string? Executable => FfmpegTools.OnPath?.Ffmpeg;

    /// <param name="tools">The executables to run; ffmpeg on PATH by default.</param>
    public FfmpegDecoder(string path, string formatName, CancellationToken cancel = default, FfmpegTools? tools = null)
    {
        this.path = path;
        this.cancel = cancel;
        tools ??= FfmpegTools.OnPath
            ?? throw new AudioDecodeException(path, AudioProblem.UnsupportedCodec, $"{formatName} needs ffmpeg, which is not on PATH (install it, e.g. apt-get install ffmpeg)");
        stallTimeout = tools.StallTimeout;
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
            throw new AudioDecodeException(path, AudioProblem.NotAudio, "ffmpeg reads only local regular files");
        // "file:" keeps a name with a colon from being read as a protocol.
        string[] input = ["-protocol_whitelist", "file", "-format_whitelist", Demuxers, "-i", "file:" + Path.GetFullPath(path)];

        var (probeExit, probeOutput, probeError) = Probe(tools.Ffprobe, ["-v", "error", .. input, "-select_streams", "a:0",
            "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0"]);
        var fields = probeOutput.Trim().Split(',');
        if (probeExit != 0 || fields.Length != 2
            || !long.TryParse(fields[0], CultureInfo.InvariantCulture, out var rate) || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var channels))
            throw new AudioDecodeException(path, probeExit != 0 ? AudioProblem.NotAudio : AudioProblem.UnsupportedCodec,
                $"{formatName}: ffmpeg found no decodable audio stream ({probeError ?? "no message"})");
        AudioDecoders.CheckSampleRate(path, rate);
        if (channels is < 1 or > 256) throw new AudioDecodeException(path, AudioProblem.Corrupt, $"{formatName}: {channels} channels");
        (SampleRate, Channels) = ((int)rate, channels);

        process = Start(tools.Ffmpeg, ["-v", "error", "-nostdin", .. input, "-map", "0:a:0", "-f", "f32le", "-c:a", "pcm_f32le", "-"], line => lastError = line);
        output = process.StandardOutput.BaseStream;
        stopped = CancellationTokenSource.CreateLinkedTokenSource(cancel, stall.Token);
        killer = stopped.Token.Register(() => Kill(process));
        stall.CancelAfter(stallTimeout);
    }

    public int Read(Span<float> interleaved)
    {
        int frameBytes = 4 * Channels, wanted = interleaved.Length / Channels * frameBytes;
        if (buffer.Length < wanted) Array.Resize(ref buffer, wanted);
        int filled = carried;
        while (filled < wanted)
        {
            int n = output.Read(buffer.AsSpan(filled, wanted - filled));
            if (n == 0) break;
            filled += n;
            stall.CancelAfter(stallTimeout); // output came: the stall clock starts again
        }
        int frames = filled / frameBytes;
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, frames * frameBytes)).CopyTo(interleaved);
        carried = filled - frames * frameBytes;
        buffer.AsSpan(frames * frameBytes, carried).CopyTo(buffer);
        framesRead += frames;
        if (frames == 0) Finish();
        return frames;
    }

    // ffmpeg's output has ended: it finished, failed, stalled or was cancelled.
    void Finish()
    {
        process.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        if (stall.IsCancellationRequested)
            throw new AudioDecodeException(path, AudioProblem.TimedOut, $"ffmpeg stalled: no output for {stallTimeout.TotalSeconds:F0} s");
        if (process.ExitCode != 0 && framesRead == 0)
            throw new AudioDecodeException(path, AudioProblem.Corrupt, $"ffmpeg could not decode it: {lastError ?? "no message"}");
        if (lastError is not null)
            Damage = new AudioDamage(AudioProblem.Corrupt, $"damaged: ffmpeg reported '{lastError}'");
    }

    public void Dispose()
    {
        killer.Dispose();
        Kill(process);
        process.Dispose();
        stopped.Dispose();
        stall.Dispose();
    }

    static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { } // already gone
    }

    static Process Start(string exe, string[] args, Action<string> errorLine)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        // Only the last line is kept: a damaged file can make ffmpeg print an error per frame.
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) errorLine(e.Data.Trim()); };
        if (!process.Start()) throw new InvalidOperationException($"could not start {exe}");
        process.BeginErrorReadLine();
        return process;
    }

    // ffprobe's answer is a line; it is killed when it does not come in time or the decode is cancelled.
    (int ExitCode, string Output, string? Error) Probe(string exe, string[] args)
    {
        string? error = null;
        using var p = Start(exe, args, line => error = line);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(stallTimeout);
        using (timeout.Token.Register(() => Kill(p)))
        {
            var text = new char[4096];
            int length = p.StandardOutput.ReadBlock(text); // bounded: the answer is a few bytes
            p.WaitForExit();
            cancel.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
                throw new AudioDecodeException(path, AudioProblem.TimedOut, $"ffprobe stalled: no answer in {stallTimeout.TotalSeconds:F0} s");
            return (p.ExitCode, new string(text, 0, length), error);
        }
    }
}
