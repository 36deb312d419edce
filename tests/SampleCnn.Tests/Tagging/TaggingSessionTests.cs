using SampleCnn.Cli;
using SampleCnn.Inference;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using Spectre.Console.Testing;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Tagging;

/// <summary>`tag`'s library entry point: the inputs expanded with the one audio extension list, the model opened, results in order, taggrams named.</summary>
public sealed class TaggingSessionTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    string Copy(string fixture, string relative)
    {
        var path = Path.Combine(scratch.Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Fixtures.PathOf(fixture), path);
        return path;
    }

    [Fact]
    public void FoldersPatternsAndFilesExpandToEachAudioFileOnceInOrder()
    {
        var a = Copy("mtat-like-16k-mono.mp3", "music/a.mp3");
        var b = Copy("vorbis-mono-22k.ogg", "music/B.OGG");
        var c = Copy("pcm16-stereo-11k.wav", "music/sub/c.aifc"); // the extension is what counts here, as for any audio extension decoders know
        Copy("pcm16-stereo-11k.wav", "music/notes.txt");
        var loose = Copy("pcm16-stereo-11k.wav", "loose/d.wav");
        var music = Path.Combine(scratch.Folder, "music");

        Assert.Equal([b, a, c], AudioInputs.Expand([music])); // ordinal order: upper case first
        // A file named twice (directly, then in its folder) and a pattern: each file once, where first named.
        Assert.Equal([loose, b, a, c], AudioInputs.Expand([loose, music, Path.Combine(scratch.Folder, "loose", "*.wav")]));
        Assert.Equal([Path.Combine(music, "notes.txt")], AudioInputs.Expand([Path.Combine(music, "*.txt")])); // a pattern takes what it matches
        Assert.Equal([Path.Combine(scratch.Folder, "missing.mp3")], AudioInputs.Expand([Path.Combine(scratch.Folder, "missing.mp3")])); // reported when tagged

        var none = Assert.Throws<FileNotFoundException>(() => AudioInputs.Expand([Path.Combine(music, "*.flac")]));
        Assert.Equal($"{Path.Combine(music, "*.flac")}: no file matches", none.Message);
        var empty = Directory.CreateDirectory(Path.Combine(scratch.Folder, "empty")).FullName;
        Assert.Equal($"{empty}: no audio files found", Assert.Throws<FileNotFoundException>(() => AudioInputs.Expand([empty])).Message);
    }

    [Fact]
    public void ASessionTagsInOrderAndWritesOneTaggramPairOrAFolderOfThem()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var a = Copy("mtat-like-16k-mono.mp3", "music/a.mp3");
        var b = Copy("vorbis-mono-22k.ogg", "music/b.ogg");

        var folder = Path.Combine(scratch.Folder, "taggrams");
        using (var session = TaggingSession.Open([Path.Combine(scratch.Folder, "music")], checkpoint, new ModelOpenOptions(), new TaggerOptions(), folder, CPU))
        {
            Assert.Equal($"{checkpoint}: SampleCnn checkpoint, 3^4, 4 tags, 22050 Hz, epoch 1", session.Model.Description);
            Assert.Equal(["a", "b", "c", "d"], session.Tags);
            Assert.Equal([a, b], session.Run().Select(r => r.Path));
        }
        Assert.Equal(["a.taggram.csv", "a.taggram.png", "b.taggram.csv", "b.taggram.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var single = Path.Combine(scratch.Folder, "one.png");
        using (var session = TaggingSession.Open([a], checkpoint, new ModelOpenOptions(), new TaggerOptions(), single, CPU))
            Assert.False(session.Run().Single().Failed);
        Assert.True(File.Exists(Path.Combine(scratch.Folder, "one.png")) && File.Exists(Path.Combine(scratch.Folder, "one.csv")));
    }

    [Fact]
    public void TheVerbSaysWhatItOpenedForAReaderButNotInItsMachineFormats()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        var file = Fixtures.PathOf("mtat-like-16k-mono.mp3");
        var console = new TestConsole().Width(400);
        Assert.Equal(0, SampleCnnApp.Run(["tag", file, "--model", checkpoint], console, new StringWriter()));
        Assert.StartsWith($"{checkpoint}: SampleCnn checkpoint, 3^4, 4 tags, 22050 Hz, epoch 1\n", console.Output);

        foreach (var format in new[] { "--json", "--csv" })
        {
            console = new TestConsole().Width(400);
            Assert.Equal(0, SampleCnnApp.Run(["tag", file, "--model", checkpoint, format], console, new StringWriter()));
            Assert.DoesNotContain("SampleCnn checkpoint", console.Output);
        }
    }
}
