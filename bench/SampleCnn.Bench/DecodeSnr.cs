using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SampleCnn.Audio.Decoding;

namespace SampleCnn.Bench;

/// <summary>
/// How close our decode (what <see cref="AudioDecoders"/> opens, at the file's own rate and channels) is to
/// ffmpeg's, per file and per granule of 576 samples per channel: whole-file SNR, the worst granule and the
/// share of granules below 40 and 20 dB (granules where ffmpeg gives silence are left out).
/// </summary>
static class DecodeSnr
{
    public static string Run(IEnumerable<string> files)
    {
        var table = new StringBuilder("| file | samples (ours/ffmpeg) | SNR dB | worst granule dB | granules < 40 dB | < 20 dB |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var file in files)
        {
            var (ours, channels) = DecodeOurs(file);
            var reference = DecodeFfmpeg(file);
            int length = Math.Min(ours.Length, reference.Length), granule = 576 * channels;
            double signal = 0, error = 0, worst = double.PositiveInfinity;
            int counted = 0, below40 = 0, below20 = 0;
            for (int start = 0; start + granule <= length; start += granule)
            {
                double s = 0, e = 0;
                for (int i = start; i < start + granule; i++)
                {
                    double d = ours[i] - (double)reference[i];
                    (s, e) = (s + reference[i] * (double)reference[i], e + d * d);
                }
                (signal, error) = (signal + s, error + e);
                if (s == 0) continue;
                double snr = Db(s, e);
                counted++;
                if (snr < 40) below40++;
                if (snr < 20) below20++;
                worst = Math.Min(worst, snr);
            }
            table.Append(CultureInfo.InvariantCulture,
                $"| {Path.GetFileName(file)} | {ours.Length / channels}/{reference.Length / channels} | {Db(signal, error):F1} | {worst:F1} | {100.0 * below40 / Math.Max(1, counted):F1}% | {100.0 * below20 / Math.Max(1, counted):F1}% |\n");
        }
        return table.Append("\n(Infinity: identical samples)").ToString();
    }

    static double Db(double signal, double error) => error == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / error);

    static (float[] Samples, int Channels) DecodeOurs(string file)
    {
        using var decoder = AudioDecoders.Open(file);
        var all = new List<float>();
        var buffer = new float[4096 * decoder.Channels];
        for (int n; (n = decoder.Read(buffer)) > 0;) all.AddRange(buffer.AsSpan(0, n * decoder.Channels));
        return (all.ToArray(), decoder.Channels);
    }

    static float[] DecodeFfmpeg(string file)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-nostdin", "-i", file, "-f", "f32le", "-c:a", "pcm_f32le", "-" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var bytes = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {file}: {error.Result}");
        return MemoryMarshal.Cast<byte, float>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }
}
