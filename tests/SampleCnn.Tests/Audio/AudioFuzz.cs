using System.Diagnostics;
using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Models;

namespace SampleCnn.Tests.Audio;

/// <summary>
/// Damaged audio files for the reader: bit flips, truncation, zeroed runs, junk inserted and splices of
/// real MP3, Ogg Vorbis, WAV, FLAC and Opus files. File i depends only on the seed and i, so any subset
/// reproduces. Each file goes through the whole reader (decoder, resampler, the ffmpeg path for FLAC and
/// Opus) with a time limit, and, with ffmpeg on PATH, ffmpeg decodes it too, for the duration it recovers.
/// </summary>
static class AudioFuzz
{
    public enum Outcome { Kept, Recovered, Refused, Unhandled, Hung }

    public sealed record Result(int Index, string Name, string Mutation, Outcome Outcome, double Seconds, double FfmpegSeconds, string Detail);

    /// <summary>Seed files: the fixtures, and with ffmpeg longer ones (5 s of music-like sound in each format).</summary>
    public static List<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        var seeds = new[] { "mtat-like-16k-mono.mp3", "msd-like-44k-stereo.mp3", "vorbis-mono-22k.ogg", "pcm16-stereo-11k.wav", "float32-stereo-8k.wav",
                "pcm24-mono-16k.wav", "flac-mono-16k.flac", "opus-mono-48k.opus" }
            .Select(name => (name, File.ReadAllBytes(Fixtures.PathOf(name)))).ToList();
        if (FfmpegDecoder.Executable is not { } ffmpeg) return seeds;
        const string music = "sine=f=220:d=5,volume=0.3[a];sine=f=1330:d=5,volume=0.1[b];anoisesrc=d=5:a=0.05:seed=3[c];[a][b][c]amix=inputs=3";
        foreach (var (name, codec) in new[] { ("long-44k-stereo.mp3", "-ac 2 -ar 44100 -c:a libmp3lame -b:a 128k"), ("long-22k-vbr.mp3", "-ac 1 -ar 22050 -c:a libmp3lame -q:a 4"),
                     ("long-44k.ogg", "-ac 2 -ar 44100 -c:a libvorbis -q:a 3"), ("long-16k.wav", "-ac 1 -ar 16000 -c:a pcm_s16le") })
        {
            var path = Path.Combine(scratch, name);
            var args = $"-v error -y -filter_complex {music} {codec} {path}".Split(' ');
            if (Run(ffmpeg, args, TimeSpan.FromSeconds(60)).Exit == 0) seeds.Add((name, File.ReadAllBytes(path)));
        }
        return seeds;
    }

    /// <summary>The damaged file number <paramref name="index"/> of the corpus of <paramref name="seed"/>.</summary>
    public static (string Name, string Mutation, byte[] Bytes) Make(List<(string Name, byte[] Bytes)> seeds, int seed, int index)
    {
        var random = new Random(seed * 1_000_003 + index); // HashCode is randomised per process: not for seeds
        var (name, source) = seeds[random.Next(seeds.Count)];
        var bytes = (byte[])source.Clone();
        string mutation;
        switch (random.Next(6))
        {
            case 0:
                int flips = random.Next(1, 64);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                mutation = $"{flips} bit flips";
                break;
            case 1:
                int keep = random.Next(1, bytes.Length);
                bytes = bytes[..keep];
                mutation = $"truncated to {keep} bytes";
                break;
            case 2:
                int start = random.Next(bytes.Length), run = Math.Min(random.Next(1, 4096), bytes.Length - start);
                Array.Clear(bytes, start, run);
                mutation = $"{run} bytes zeroed at {start}";
                break;
            case 3:
                var junk = new byte[random.Next(1, 4096)];
                random.NextBytes(junk);
                int at = random.Next(bytes.Length);
                bytes = [.. bytes.AsSpan(0, at), .. junk, .. bytes.AsSpan(at)];
                mutation = $"{junk.Length} junk bytes inserted at {at}";
                break;
            case 4:
                var (otherName, other) = seeds[random.Next(seeds.Count)];
                int a = random.Next(bytes.Length), b = random.Next(other.Length);
                bytes = [.. bytes.AsSpan(0, a), .. other.AsSpan(b)];
                mutation = $"first {a} bytes spliced to {otherName} from {b}";
                break;
            default:
                int headerFlips = random.Next(1, 4);
                for (int k = 0; k < headerFlips; k++) bytes[random.Next(Math.Min(64, bytes.Length))] = (byte)random.Next(256);
                mutation = $"{headerFlips} header bytes replaced";
                break;
        }
        return ($"{index:D4}-{name}", mutation, bytes);
    }

    /// <summary>Decodes one damaged file with ours (within <paramref name="limit"/>) and, if present, ffmpeg.</summary>
    public static Result Measure(int index, string name, string mutation, string path, TimeSpan limit)
    {
        var decode = Task.Run(() =>
        {
            try
            {
                var samples = AudioReader.Load(path, Waveform.PaperSampleRate, long.MaxValue, out var damage).Samples.Length;
                // No samples at all is a refusal in prepare and tag too.
                return (samples == 0 ? Outcome.Refused : damage is null ? Outcome.Kept : Outcome.Recovered, samples, damage?.Reason ?? "no audio samples");
            }
            catch (AudioDecodeException e)
            {
                return (Outcome.Refused, 0, e.Reason);
            }
            catch (Exception e)
            {
                return (Outcome.Unhandled, 0, e.ToString());
            }
        });
        var (outcome, ours, detail) = decode.Wait(limit) ? decode.Result : (Outcome.Hung, 0, $"no result in {limit.TotalSeconds} s");
        double ffmpegSeconds = double.NaN;
        if (FfmpegDecoder.Executable is { } ffmpeg)
        {
            // What the paper's pipeline (librosa through audioread/ffmpeg) gets: ffmpeg's decode, mono, at 22,050 Hz.
            var (exit, bytes) = Run(ffmpeg, ["-v", "quiet", "-nostdin", "-protocol_whitelist", "file", "-i", path, "-ac", "1", "-ar", "22050", "-f", "f32le", "-"], limit);
            ffmpegSeconds = exit == int.MinValue ? double.NaN : bytes / 4.0 / Waveform.PaperSampleRate;
        }
        return new Result(index, name, mutation, outcome, (double)ours / Waveform.PaperSampleRate, ffmpegSeconds, detail);
    }

    /// <summary>Exit code (int.MinValue when killed at the limit) and the bytes written to stdout.</summary>
    static (int Exit, long Bytes) Run(string exe, string[] args, TimeSpan limit)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var count = Task.Run(() =>
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = process.StandardOutput.BaseStream.Read(buffer)) > 0;) total += n;
            return total;
        });
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (int.MinValue, 0);
        }
        count.Wait();
        errors.Wait();
        return (process.ExitCode, count.Result);
    }

    /// <summary>The corpus's figures: per outcome, and our kept duration against ffmpeg's (each file capped at ffmpeg's).</summary>
    public static string Summary(IReadOnlyList<Result> results)
    {
        var counts = Enum.GetValues<Outcome>().Select(o => $"{o.ToString().ToLowerInvariant()} {results.Count(r => r.Outcome == o)}");
        var compared = results.Where(r => !double.IsNaN(r.FfmpegSeconds)).ToList();
        double ffmpeg = compared.Sum(r => r.FfmpegSeconds), kept = compared.Sum(r => Math.Min(r.Seconds, r.FfmpegSeconds));
        var ratio = ffmpeg > 0 ? kept / ffmpeg : double.NaN;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{results.Count} files: {string.Join(", ", counts)}; duration kept {kept:F1} s of ffmpeg's {ffmpeg:F1} s = {ratio:P2} (ours in all {results.Sum(r => r.Seconds):F1} s)");
    }

    public static double DurationRatio(IReadOnlyList<Result> results)
    {
        var compared = results.Where(r => !double.IsNaN(r.FfmpegSeconds)).ToList();
        return compared.Sum(r => Math.Min(r.Seconds, r.FfmpegSeconds)) / compared.Sum(r => r.FfmpegSeconds);
    }

    /// <summary>Runs files [0, count) of the corpus of <paramref name="seed"/>; writes them and a TSV of results to <paramref name="folder"/>.</summary>
    public static List<Result> RunCorpus(string folder, int seed, int count, TimeSpan limit)
    {
        var seeds = Seeds(folder);
        var results = new List<Result>();
        for (int i = 0; i < count; i++)
        {
            var (name, mutation, bytes) = Make(seeds, seed, i);
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            results.Add(Measure(i, name, mutation, path, limit));
        }
        File.WriteAllLines(Path.Combine(folder, "results.tsv"), results.Select(r => string.Join('\t', r.Index, r.Name, r.Mutation, r.Outcome,
            r.Seconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), r.FfmpegSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture),
            r.Detail.ReplaceLineEndings(" "))).Prepend("index\tfile\tmutation\toutcome\tseconds\tffmpeg_seconds\tdetail"));
        return results;
    }
}
