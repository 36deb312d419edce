using SampleCnn.Audio.Decoding;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Tests.Audio;

namespace SampleCnn.Tests.Data;

public class SourcesTests
{
    [Fact]
    public void MtatUsesThePapersSplitTagsAndOrder()
    {
        var listing = MagnaTagATune.Load(MiniatureMtat.Root);
        Assert.Equal(TagVocabulary.MtatPaperTop50, listing.Vocabulary.Tags);
        Assert.Equal(MiniatureMtat.Train, listing.Clips.Where(c => c.Split == Split.Train).Select(c => c.Id));
        Assert.Equal(MiniatureMtat.Valid, listing.Clips.Where(c => c.Split == Split.Valid).Select(c => c.Id));
        Assert.Equal(MiniatureMtat.Test, listing.Clips.Where(c => c.Split == Split.Test).Select(c => c.Id));
        Assert.Equal("9/artist_e-album_e-05-together-0-29.mp3", listing.Dropped.Single().Item); // clip 18: no top-50 tag

        var first = listing.Clips[0];
        Assert.Equal(new[] { "guitar", "classical", "strings" }.Select(t => listing.Vocabulary[t]).Order(), first.Tags);
        Assert.EndsWith(Path.Combine("0", "artist_a-album_a-01-morning-0-29.mp3"), first.AudioPath);

        var positives = listing.Positives();
        Assert.Equal(2, positives[listing.Vocabulary["classical"], (int)Split.Train]);
        Assert.Equal(1, positives[listing.Vocabulary["classical"], (int)Split.Valid]);
        Assert.Equal(2, positives[listing.Vocabulary["loud"], (int)Split.Valid] + positives[listing.Vocabulary["loud"], (int)Split.Test]);
    }

    [Fact]
    public void MtatCanTakeTheMostFrequentTagsInstead()
    {
        var listing = MagnaTagATune.Load(MiniatureMtat.Root, mostFrequent: 3);
        Assert.Equal(["classical", "drums", "loud"], listing.Vocabulary.Tags);
        Assert.All(listing.Clips, c => Assert.NotEmpty(c.Tags));
    }

    [Theory]
    [InlineData("0/x.mp3", Split.Train)]
    [InlineData("b/x.mp3", Split.Train)]
    [InlineData("c/x.mp3", Split.Valid)]
    [InlineData("d/x.mp3", Split.Test)]
    [InlineData("f/x.mp3", Split.Test)]
    public void MtatFoldersMapToThePapersSplit(string path, Split split) => Assert.Equal(split, MagnaTagATune.SplitOfFolder(path));

    [Fact]
    public void MissingAnnotationsNameTheFile()
    {
        using var scratch = new Fixtures.Scratch();
        var error = Assert.Throws<DatasetException>(() => MagnaTagATune.Load(scratch.Folder));
        Assert.Contains("annotations_final.csv", error.Message);
    }

    [Fact]
    public void CsvWithATagsColumnAndASplitColumn()
    {
        using var scratch = new Fixtures.Scratch();
        File.Copy(Fixtures.PathOf("pcm8-mono-8k.wav"), Path.Combine(scratch.Folder, "a.wav"));
        File.Copy(Fixtures.PathOf("mtat-like-16k-mono.mp3"), Path.Combine(scratch.Folder, "b.mp3"));
        var annotations = scratch.Write("tags.csv", """
            file,tags,split
            a.wav,rock;loud,train
            b.mp3,"jazz; rock",test
            missing.wav,rock,valid
            c.wav,,train
            """u8.ToArray());
        var listing = CsvTags.Load(annotations, scratch.Folder);
        Assert.Equal(["rock", "jazz", "loud"], listing.Vocabulary.Tags); // by frequency, then name
        Assert.Equal(["a.wav", "b.mp3"], listing.Clips.Select(c => c.Id));
        Assert.Equal([Split.Train, Split.Test], listing.Clips.Select(c => c.Split));
        Assert.Equal([0, 1], listing.Clips[1].Tags);
        Assert.Equal("missing.wav", listing.Skipped.Single().Item);
        Assert.Equal("c.wav", listing.Dropped.Single().Item);
    }

    [Fact]
    public void CsvWithZeroOneColumnsAndAHashSplit()
    {
        using var scratch = new Fixtures.Scratch();
        var names = Enumerable.Range(0, 200).Select(i => $"song{i}.wav").ToArray();
        foreach (var name in names) File.WriteAllBytes(Path.Combine(scratch.Folder, name), []);
        var annotations = scratch.Write("tags.csv", System.Text.Encoding.UTF8.GetBytes(
            "file,piano,drums\n" + string.Join("\n", names.Select((n, i) => $"{n},{i % 2},1"))));
        var listing = CsvTags.Load(annotations, scratch.Folder);
        Assert.Equal(["piano", "drums"], listing.Vocabulary.Tags);
        Assert.Equal(200, listing.Clips.Count);
        var train = listing.Clips.Count(c => c.Split == Split.Train);
        Assert.InRange(train, 140, 180); // 80% by a stable hash
        Assert.Equal(listing.Clips.Select(c => c.Split), CsvTags.Load(annotations, scratch.Folder).Clips.Select(c => c.Split));
        Assert.Equal(Splits.FromHash("song7.wav"), listing.Clips[7].Split);
    }

    [Theory]
    [InlineData("file,tags,split\na.wav,rock,later\n", "line 2: split 'later'")]
    [InlineData("file,rock\na.wav,yes\n", "line 2, column 'rock': expected 0 or 1")]
    [InlineData("name,tags\na.wav,rock\n", "expected a 'file' column")]
    [InlineData("file\na.wav\n", "no tags")]
    public void CsvErrorsNameTheLineAndProblem(string text, string expected)
    {
        using var scratch = new Fixtures.Scratch();
        var annotations = scratch.Write("tags.csv", System.Text.Encoding.UTF8.GetBytes(text));
        var error = Assert.Throws<DatasetException>(() => CsvTags.Load(annotations, scratch.Folder));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(annotations, error.Message);
    }

    [Fact]
    public void MillionSongFromTagTableSplitListsAndAudioFolder()
    {
        using var scratch = new Fixtures.Scratch();
        var audio = Directory.CreateDirectory(Path.Combine(scratch.Folder, "audio")).FullName;
        foreach (var id in new[] { "TRAAAAA128F00001", "TRAAAAB128F00002", "TRBBBBC128F00003" })
        {
            var folder = Directory.CreateDirectory(Path.Combine(audio, id[2..3], id[3..4], id[4..5])).FullName;
            File.Copy(Fixtures.PathOf("mtat-like-16k-mono.mp3"), Path.Combine(folder, id + ".clip.mp3"));
        }
        var tags = scratch.Write("tags.tsv", """
            track_id	tags
            TRAAAAA128F00001	rock;indie;guitar
            TRAAAAB128F00002	rock;electronic
            TRBBBBC128F00003	jazz
            TRZZZZZ128F00004	rock
            """u8.ToArray());
        var splits = Directory.CreateDirectory(Path.Combine(scratch.Folder, "split")).FullName;
        File.WriteAllText(Path.Combine(splits, "train.txt"), "TRAAAAA128F00001\nTRAAAAB128F00002\n");
        File.WriteAllText(Path.Combine(splits, "valid.txt"), "TRZZZZZ128F00004\n");
        File.WriteAllText(Path.Combine(splits, "test.txt"), "TRBBBBC128F00003\n");

        var listing = MillionSong.Load(tags, splits, audio, top: 2);
        Assert.Equal(["rock", "electronic"], listing.Vocabulary.Tags);
        Assert.Equal(["TRAAAAA128F00001", "TRAAAAB128F00002"], listing.Clips.Select(c => c.Id));
        Assert.Equal("TRZZZZZ128F00004", listing.Skipped.Single().Item);   // tagged, listed, no audio
        Assert.Equal("TRBBBBC128F00003", listing.Dropped.Single().Item);   // no tag of the vocabulary
        Assert.EndsWith(Path.Combine("A", "A", "A", "TRAAAAA128F00001.clip.mp3"), listing.Clips[0].AudioPath);

        var storeFolder = Path.Combine(scratch.Folder, "store");
        StoreWriter.Prepare(listing, storeFolder, new PrepareOptions());
        using var store = SegmentStore.Open(storeFolder);
        Assert.Equal(["TRAAAAA128F00001", "TRAAAAB128F00002"], store.ClipsOf(Split.Train).Select(c => c.Id));
        Assert.Equal([0, 1], store.Clips[1].Tags);
        var decoded = AudioReader.Load(listing.Clips[0].AudioPath).Samples;
        var stored = new float[store.Clips[0].Length];
        store.Read(store.Clips[0], 0, stored);
        Assert.Equal(decoded.Length, stored.Length);
        Assert.True(decoded.Zip(stored).All(p => Math.Abs(p.First - p.Second) <= 1f / 65536 + 1e-7f));
    }
}
