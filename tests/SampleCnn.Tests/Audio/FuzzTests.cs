using SampleCnn.Audio.Decoding;

namespace SampleCnn.Tests.Audio;

/// <summary>
/// A seeded corpus of damaged files through the whole reader: no exception but <see cref="AudioDecodeException"/>,
/// no hang, refusals with reasons a person can read, and at least 95% of the duration ffmpeg recovers.
/// The full run (2,000 files) is scripts/fuzz-audio.sh: SAMPLECNN_FUZZ_FILES and SAMPLECNN_FUZZ_OUT set the
/// size and a folder that keeps the files, results.tsv and summary.txt.
/// </summary>
public class FuzzTests
{
    [Fact]
    public void DamagedFilesAreKeptRecoveredOrRefusedAndKeepWhatFfmpegKeeps()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("SAMPLECNN_FUZZ_FILES"), out var n) ? n : 150;
        using var scratch = new Fixtures.Scratch();
        var folder = Environment.GetEnvironmentVariable("SAMPLECNN_FUZZ_OUT") is { Length: > 0 } given ? Directory.CreateDirectory(given).FullName : scratch.Folder;
        var results = AudioFuzz.RunCorpus(folder, seed: 13, count, limit: TimeSpan.FromSeconds(30));
        var summary = AudioFuzz.Summary(results);
        File.WriteAllText(Path.Combine(folder, "summary.txt"), summary + "\n");

        Assert.Empty(results.Where(r => r.Outcome is AudioFuzz.Outcome.Unhandled or AudioFuzz.Outcome.Hung).Select(r => $"{r.Name} ({r.Mutation}): {r.Detail}"));
        // Reasons are ours, never a library's internal exception text.
        Assert.Empty(results.Where(r => r.Outcome == AudioFuzz.Outcome.Refused && (r.Detail.Contains("Exception") || r.Detail.Contains("Index was outside")))
            .Select(r => $"{r.Name}: {r.Detail}"));
        Assert.Contains(results, r => r.Outcome == AudioFuzz.Outcome.Recovered);
        if (FfmpegDecoder.Executable is not null)
            Assert.True(AudioFuzz.DurationRatio(results) >= 0.95, summary);
    }
}
