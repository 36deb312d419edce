using SampleCnn.Runs;
using SampleCnn.Synthesis;

namespace SampleCnn.Experiments;

/// <summary>The demo's folder: audio/ (the WAV files and their tags), store/, run/, taggram/, filters/.</summary>
public sealed class DemoFolder(string path)
{
    public string Path { get; } = path;
    public string Audio => System.IO.Path.Combine(Path, "audio");
    public string Annotations => System.IO.Path.Combine(Audio, SyntheticDataset.Annotations);
    public string Store => System.IO.Path.Combine(Path, "store");
    public RunFolder Run => new(System.IO.Path.Combine(Path, "run"));
    public string Taggram => System.IO.Path.Combine(Path, "taggram");
    public string Filters => System.IO.Path.Combine(Path, "filters");
}
