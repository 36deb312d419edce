using System.Globalization;
using SampleCnn.Audio.Decoding;
using SampleCnn.Cli;
using SampleCnn.Inference;
using SampleCnn.Tests.Audio;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>Fixtures/TorchScript/tiny-729.pt was scripted by PyTorch 1.13 (make.py), with its scores for a fixed input.</summary>
public class TorchScriptTests
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "TorchScript");

    static float[] Sine() => Enumerable.Range(0, 729).Select(n => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * n / 22050))).ToArray();

    [Fact]
    public void AScriptedModelGivesPyTorchsScores()
    {
        using var scratch = new Fixtures.Scratch();
        var tagsFile = scratch.Write("tags.txt", "bright\ndark\nloud\n"u8.ToArray());
        var (network, tags) = TorchScriptModel.Load(Path.Combine(Folder, "tiny-729.pt"), tagsFile, CPU);
        Assert.Equal(["bright", "dark", "loud"], tags);
        using var input = tensor(Sine(), [1, 1, 729]);
        using var scores = network.call(input);
        var expected = File.ReadAllText(Path.Combine(Folder, "tiny-729.expected.txt")).Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture));
        Assert.All(scores.data<float>().ToArray().Zip(expected), p => Assert.Equal(p.Second, p.First, 5));
    }

    [Fact]
    public void TheTagVerbTakesATorchScriptModelWithItsTagsAndLength()
    {
        using var scratch = new Fixtures.Scratch();
        var tagsFile = scratch.Write("tags.txt", "bright\ndark\nloud\n"u8.ToArray());
        var wav = Path.Combine(scratch.Folder, "sine.wav");
        WavWriter.WriteMono16(wav, Sine().Concat(Sine()).ToArray(), 22050);
        var script = Path.Combine(Folder, "tiny-729.pt");
        var console = new TestConsole().Width(200);
        var code = SampleCnnApp.Run(["tag", wav, "--model", script, "--tags", tagsFile, "--segment-samples", "729"], console, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("sine.wav: 2 segment(s)", console.Output);
        Assert.Contains("loud", console.Output);

        var error = new StringWriter();
        code = SampleCnnApp.Run(["tag", wav, "--model", script], new TestConsole(), error);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal($"samplecnn: --tags: {script} is TorchScript, which carries no tag names: give its tags file", error.ToString().Trim());

        error = new StringWriter();
        code = SampleCnnApp.Run(["tag", wav, "--model", script, "--tags", tagsFile], new TestConsole(), error);
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Equal($"samplecnn: --segment-samples: {script} is TorchScript, which does not say its input length: give it (more than 0)", error.ToString().Trim());
    }
}
