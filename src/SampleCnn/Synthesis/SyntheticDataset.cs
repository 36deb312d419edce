using SampleCnn.Audio.Decoding;
using SampleCnn.Audio.Signal;
using SampleCnn.Platform;

namespace SampleCnn.Synthesis;

/// <summary>
/// Writes synthetic clips as WAV files with an annotations CSV in the `prepare csv` form (file, tags,
/// split: every tenth clip valid, the next test, the rest train), so demo data takes the same path as a
/// user's own collection.
/// </summary>
internal static class SyntheticDataset
{
    public const string Annotations = "tags.csv";

    /// <returns>The annotations file.</returns>
    public static string Write(string folder, int clips, double seconds, int seed, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(folder);
        var lines = new string[clips];
        Parallel.For(0, clips, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var clip = SyntheticMusic.Render(Seeds.Derive(seed, i), seconds);
            var name = $"clip{i:D4}.wav";
            WavWriter.WriteMono16(Path.Combine(folder, name), clip.Samples, Waveform.PaperSampleRate);
            lines[i] = $"{name},{string.Join(';', clip.Tags)},{(i % 10 == 8 ? "valid" : i % 10 == 9 ? "test" : "train")}";
            progress?.Report(i);
        });
        var annotations = Path.Combine(folder, Annotations);
        File.WriteAllLines(annotations, ["file,tags,split", .. lines]);
        return annotations;
    }
}
