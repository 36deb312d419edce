using SampleCnn.Experiments;
using SampleCnn.Platform;
using SampleCnn.Tests.Audio;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Experiments;

public class DemoTests
{
    [Fact]
    public void TheDemoTakesItsStepsInOrderAndTagsTwoHeldOutClipsBesideTheirTrueTags()
    {
        using var scratch = new Fixtures.Scratch();
        var options = new DemoOptions { Out = Path.Combine(scratch.Folder, "demo"), Minutes = 0.2, Clips = 30, Seconds = 1, Model = "3^4" };
        var steps = new List<DemoProgress>();

        var result = Demo.Run(options, CPU, new SynchronousProgress<DemoProgress>(p => { lock (steps) steps.Add(p); }));

        Assert.Equal(Enum.GetValues<DemoStep>(), steps.Where(s => s.Begins).Select(s => s.Step));
        Assert.Equal(30, steps.Count(s => s.ClipWritten is not null));
        Assert.Equal(30, result.Prepared.Manifest.Clips);
        Assert.True(result.Trained.Metrics.Count >= 1);
        Assert.Equal("test", result.Evaluated.Report.Split);
        Assert.True(File.Exists(result.Evaluated.Files.Json));

        // The first two test clips of the tags CSV (every tenth clip from the tenth), tagged, beside the tags they were rendered with.
        var truth = File.ReadLines(result.Folder.Annotations).Skip(1).Select(l => l.Split(',')).Where(f => f[2] == "test").Take(2).ToList();
        Assert.Equal(truth.Select(f => Path.Combine(result.Folder.Audio, f[0])), result.Tagged.Select(t => t.Result.Path));
        Assert.Equal(truth.Select(f => f[1].Split(';')), result.Tagged.Select(t => t.TrueTags));
        Assert.All(result.Tagged, t => Assert.False(t.Result.Failed));
        Assert.True(File.Exists(Path.Combine(result.Folder.Taggram, "clip0009.taggram.png")));

        Assert.Equal([1, 2, 3, 4], result.Drawn.Layers.Select(l => l.Layer));
        Assert.True(File.Exists(Path.Combine(result.Folder.Filters, "layer1-spectra.png")));
    }
}
