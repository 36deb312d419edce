using System.Text.Json;
using SampleCnn.Cli;
using SampleCnn.Data.Sources;
using SampleCnn.Platform;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using Spectre.Console.Testing;

namespace SampleCnn.Tests.Data;

/// <summary>Folder walks (MSD's audio folder, the tag verb's folders and patterns) enter no symlinked folder and list each file once.</summary>
public class FolderWalkTests
{
    /// <summary>
    /// music/a.mp3, music/b.ogg, music/sub/c.wav, and links: music/dup.mp3 to a.mp3, music/loop to music itself,
    /// music/0alias to sub (sorted first, so a walk that follows it would name c.wav through it).
    /// </summary>
    static string MusicWithLinks(Fixtures.Scratch scratch)
    {
        var music = Directory.CreateDirectory(Path.Combine(scratch.Folder, "music")).FullName;
        var sub = Directory.CreateDirectory(Path.Combine(music, "sub")).FullName;
        File.Copy(Fixtures.PathOf("mtat-like-16k-mono.mp3"), Path.Combine(music, "a.mp3"));
        File.Copy(Fixtures.PathOf("vorbis-mono-22k.ogg"), Path.Combine(music, "b.ogg"));
        File.Copy(Fixtures.PathOf("pcm16-stereo-11k.wav"), Path.Combine(sub, "c.wav"));
        File.CreateSymbolicLink(Path.Combine(music, "dup.mp3"), Path.Combine(music, "a.mp3"));
        Directory.CreateSymbolicLink(Path.Combine(music, "loop"), music);
        Directory.CreateSymbolicLink(Path.Combine(music, "0alias"), sub);
        return music;
    }

    [Fact]
    public void AWalkSkipsSymlinkedFoldersAndListsALinkedFileOnce()
    {
        using var scratch = new Fixtures.Scratch();
        var music = MusicWithLinks(scratch);
        Assert.Equal([Path.Combine(music, "a.mp3"), Path.Combine(music, "b.ogg"), Path.Combine(music, "sub", "c.wav")],
            FolderWalk.Files(music));
        Assert.Equal([Path.Combine(music, "a.mp3")], FolderWalk.Files(music, "*.mp3", recursive: false));
    }

    [Fact]
    public void MillionSongAudioFolderWithALoopAndALinkedFolder()
    {
        using var scratch = new Fixtures.Scratch();
        var audio = Directory.CreateDirectory(Path.Combine(scratch.Folder, "audio")).FullName;
        var real = Directory.CreateDirectory(Path.Combine(audio, "A", "B")).FullName;
        File.Copy(Fixtures.PathOf("mtat-like-16k-mono.mp3"), Path.Combine(real, "TRAAAAB128F00002.clip.mp3"));
        Directory.CreateSymbolicLink(Path.Combine(audio, "0alias"), real);
        Directory.CreateSymbolicLink(Path.Combine(real, "up"), audio);
        var tags = scratch.Write("tags.tsv", "track_id\ttags\nTRAAAAB128F00002\trock\n"u8.ToArray());
        var splits = Directory.CreateDirectory(Path.Combine(scratch.Folder, "split")).FullName;
        File.WriteAllText(Path.Combine(splits, "train.txt"), "TRAAAAB128F00002\n");
        File.WriteAllText(Path.Combine(splits, "valid.txt"), "");
        File.WriteAllText(Path.Combine(splits, "test.txt"), "");

        var listing = MillionSong.Load(tags, splits, audio, top: 1);
        Assert.Equal(Path.Combine(real, "TRAAAAB128F00002.clip.mp3"), listing.Clips.Single().AudioPath);
    }

    [Fact]
    public void TheTagVerbTagsEachFileOnceThroughLinksAndLoops()
    {
        using var scratch = new Fixtures.Scratch();
        var music = MusicWithLinks(scratch);
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        model.Dispose();
        foreach (var (inputs, expected) in new (string[], string[])[]
                 {
                     ([music], ["a.mp3", "b.ogg", Path.Combine("sub", "c.wav")]),
                     ([Path.Combine(music, "*.mp3"), Path.Combine(music, "a.mp3")], ["a.mp3"]),
                 })
        {
            var console = new TestConsole().Width(400);
            var error = new StringWriter();
            var code = SampleCnnApp.Run(["tag", .. inputs, "--model", checkpoint, "--json"], console, error);
            Assert.True(code == 0, error.ToString());
            var files = console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("file").GetString()!).ToList();
            Assert.Equal(expected.Select(f => Path.Combine(music, f)), files);
        }
    }
}
