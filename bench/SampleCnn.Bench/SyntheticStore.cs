using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Synthesis;

namespace SampleCnn.Bench;

/// <summary>
/// A store made here from the demo's synthetic music (<see cref="SyntheticDataset"/>, a fixed seed), prepared as
/// `prepare csv` does, so a bench row that needs one downloads nothing: folder/audio, then folder/store. Each step is
/// skipped when its output is there (prepare resumes and has nothing to do once complete).
/// </summary>
static class SyntheticStore
{
    public static string Make(string folder, int clips, int seconds, int seed, TextWriter? log = null)
    {
        var audio = Path.Combine(folder, "audio");
        var store = Path.Combine(folder, "store");
        var annotations = Path.Combine(audio, SyntheticDataset.Annotations);
        if (!File.Exists(annotations))
        {
            log?.WriteLine($"rendering {clips} synthetic {seconds}-s clips into {audio}");
            SyntheticDataset.Write(audio, clips, seconds, seed);
        }
        log?.WriteLine($"preparing {store} (resumes; nothing to do once complete)");
        StoreWriter.Prepare(CsvTags.Load(annotations, audio), store, new PrepareOptions());
        return Path.GetFullPath(store);
    }
}
