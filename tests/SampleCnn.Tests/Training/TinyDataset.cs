using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;

namespace SampleCnn.Tests.Training;

/// <summary>
/// A small learnable store made through the real path (WAV files, a `prepare csv` table, a prepare):
/// each 0.25-s clip is a low (150-300 Hz) or high (2-4 kHz) tone, with white noise on half of them;
/// its tags say which. Tiny models separate these within a few epochs.
/// </summary>
static class TinyDataset
{
    public static readonly string[] Tags = ["low", "high", "noise"];

    /// <param name="sampleRate">The store's rate (the WAV files are at 22050 Hz, resampled by the prepare).</param>
    public static string Create(string folder, int clips = 48, int seed = 11, string[]? tags = null, int sampleRate = 22050)
    {
        var audio = Directory.CreateDirectory(Path.Combine(folder, "audio")).FullName;
        var random = new Random(seed);
        var lines = new List<string> { "file,tags,split" };
        for (int i = 0; i < clips; i++)
        {
            bool high = random.Next(2) == 1, noisy = random.Next(2) == 1;
            double hz = high ? 2000 + 2000 * random.NextDouble() : 150 + 150 * random.NextDouble();
            var samples = new float[5512];
            for (int n = 0; n < samples.Length; n++)
                samples[n] = (float)(0.4 * Math.Sin(2 * Math.PI * hz * n / 22050) + (noisy ? 0.2 * (random.NextDouble() - 0.5) : 0));
            var name = $"clip{i:D3}.wav";
            WavWriter.WriteMono16(Path.Combine(audio, name), samples, 22050);
            var names = (tags ?? Tags);
            var clipTags = new List<string> { high ? names[1] : names[0] };
            if (noisy) clipTags.Add(names[2]);
            lines.Add($"{name},{string.Join(';', clipTags)},{(i % 6 == 4 ? "valid" : i % 6 == 5 ? "test" : "train")}");
        }
        var csv = Path.Combine(folder, "tags.csv");
        File.WriteAllLines(csv, lines);
        var store = Path.Combine(folder, "store");
        StoreWriter.Prepare(CsvTags.Load(csv, audio), store, new PrepareOptions(sampleRate, MaxClipSamples: null));
        return store;
    }
}
