using SampleCnn.Cli;
using SampleCnn.Tests.Audio;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Tests.Data;

using static SampleCnn.Tests.Cli.CliRunner;

namespace SampleCnn.Tests.Cli;

public class PrepareCommandTests
{
    [Fact]
    public void PrepareMtatThenInspect()
    {
        using var scratch = new Fixtures.Scratch();
        var store = Path.Combine(scratch.Folder, "store");
        var (code, output, error) = Run("prepare", "mtat", "--root", MiniatureMtat.Root, "--out", store, "--max-seconds", "1");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("mtat: 11 clips to prepare, 50 tags; 1 left out by the dataset's rules", output);
        Assert.Contains("mtat, 10 clips", output);
        Assert.Contains("artist_c-album_c-03-empty-0-29.mp3: empty file (0 bytes)", output);

        var (inspectCode, inspected, _) = Run("inspect", store);
        Assert.Equal(0, inspectCode);
        Assert.Contains("train       5", inspected);
        Assert.Contains("valid       2", inspected);
        Assert.Contains("test        3", inspected);
        Assert.Matches(@"classical\s+2\s+1\s+0", inspected);
    }

    [Fact]
    public void PrepareCsvOfYourOwnCollection()
    {
        using var scratch = new Fixtures.Scratch();
        File.Copy(Fixtures.PathOf("pcm16-stereo-11k.wav"), Path.Combine(scratch.Folder, "a.wav"));
        File.Copy(Fixtures.PathOf("vorbis-mono-22k.ogg"), Path.Combine(scratch.Folder, "b.ogg"));
        scratch.Write("broken.mp3", "not audio"u8.ToArray());
        var annotations = scratch.Write("tags.csv", "file,tags,split\na.wav,rock,train\nb.ogg,jazz;rock,test\nbroken.mp3,rock,valid\n"u8.ToArray());
        var store = Path.Combine(scratch.Folder, "store");
        var (code, output, _) = Run("prepare", "csv", "--annotations", annotations, "--audio", scratch.Folder, "--out", store);
        Assert.Equal(0, code);
        Assert.Contains("csv, 2 clips", output);
        Assert.Contains("broken.mp3: not an MP3 file (no MPEG audio frames)", output);
    }

    [Fact]
    public void PrepareAtAnotherSampleRateRecordsItAndInspectShowsIt()
    {
        using var scratch = new Fixtures.Scratch();
        File.Copy(Fixtures.PathOf("vorbis-mono-22k.ogg"), Path.Combine(scratch.Folder, "b.ogg"));
        var annotations = scratch.Write("tags.csv", "file,tags,split\nb.ogg,jazz,test\n"u8.ToArray());
        var store = Path.Combine(scratch.Folder, "store");
        var (code, output, _) = Run("prepare", "csv", "--annotations", annotations, "--audio", scratch.Folder, "--out", store, "--sample-rate", "16000");
        Assert.Equal(0, code);
        Assert.Contains("at 16000 Hz", output);
        var (inspectCode, inspected, _) = Run("inspect", store);
        Assert.Equal(0, inspectCode);
        Assert.Contains("at 16000 Hz", inspected);

        var (badCode, _, error) = Run("prepare", "csv", "--annotations", annotations, "--audio", scratch.Folder, "--out", Path.Combine(scratch.Folder, "other"), "--sample-rate", "100");
        Assert.Equal(SampleCnnApp.UsageError, badCode);
        Assert.Equal("samplecnn: --sample-rate 100: must be 1000 to 384000 Hz", error.TrimEnd());
    }

    [Fact]
    public void PrepareJamendoKeepsWholeTracksUnlessToldOtherwise()
    {
        using var scratch = new Fixtures.Scratch();
        var (splits, audio) = MtgJamendoTests.Create(scratch.Folder, seconds: 31);
        var store = Path.Combine(scratch.Folder, "store");
        var (code, output, error) = Run("prepare", "jamendo", "--split-dir", splits, "--audio", audio, "--out", store);
        Assert.True(code == 0, error);
        Assert.Contains("jamendo: 4 clips to prepare, 5 tags", output);
        Assert.Contains("00/4.mp3", output);
        using (var opened = SegmentStore.Open(store))
        {
            Assert.Equal(0, opened.Manifest.MaxClipSamples);   // 0: whole files
            Assert.Equal(31 * 22050, opened.ClipsOf(Split.Train).First().Length);   // longer than the paper's 640,512
        }

        var cut = Path.Combine(scratch.Folder, "cut");
        (code, _, error) = Run("prepare", "jamendo", "--split-dir", Path.Combine(splits, "split-1"), "--audio", audio, "--out", cut, "--max-seconds", "1");
        Assert.True(code == 0, error);
        using (var opened = SegmentStore.Open(cut))
            Assert.Equal(22050, opened.ClipsOf(Split.Train).Single().Length);

        (code, _, error) = Run("prepare", "jamendo", "--split-dir", splits, "--audio", audio, "--out", Path.Combine(scratch.Folder, "x"), "--split", "-1");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--split -1: must be 0 or more", error);
    }

    [Theory]
    [InlineData("inspect", "/no/such/store", "/no/such/store: store folder not found")]
    [InlineData("prepare", "mtat", "--root", "/no/such/mtat", "--out", "/tmp/x", "/no/such/mtat/annotations_final.csv: file not found")]
    public void BadStoresAndSourcesAreOneLineErrors(params string[] argsAndMessage)
    {
        var (code, _, error) = Run(argsAndMessage[..^1]);
        Assert.Equal(SampleCnnApp.Failure, code);
        Assert.Equal($"samplecnn: {argsAndMessage[^1]}", error.TrimEnd());
    }

    [Fact]
    public void MissingRequiredOptionIsAUsageError()
    {
        var (code, _, error) = Run("prepare", "mtat", "--out", "/tmp/x");
        Assert.Equal(SampleCnnApp.UsageError, code);
        Assert.Contains("--root DIR is required", error);
    }
}
