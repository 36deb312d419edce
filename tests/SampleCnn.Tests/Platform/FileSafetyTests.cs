using SampleCnn.Platform;

namespace SampleCnn.Tests.Platform;

public class FileSafetyTests
{
    [Fact]
    public void AtomicWriteReplacesWholeFileAndLeavesNoTemporary()
    {
        var folder = Directory.CreateTempSubdirectory("atomic").FullName;
        var path = Path.Combine(folder, "a.json");
        AtomicFile.WriteAllText(path, "first, longer text");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["a.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void AtomicWriteThatFailsKeepsTheOldFile()
    {
        var folder = Directory.CreateTempSubdirectory("atomic").FullName;
        var path = Path.Combine(folder, "a.json");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("killed"); }));
        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void SecondWriterIsRefusedUntilTheFirstEnds()
    {
        var folder = Directory.CreateTempSubdirectory("lock").FullName;
        using (WriterLock.Acquire(folder, "store"))
        {
            var error = Assert.Throws<IOException>(() => WriterLock.Acquire(folder, "store"));
            Assert.Contains("another process is writing to this store", error.Message);
            Assert.Contains(folder, error.Message);
        }
        using var again = WriterLock.Acquire(folder, "store");
    }

    [Theory]
    [InlineData("bass", "bass")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void CsvFieldsAreQuotedOnlyWhenTheyMustBe(string text, string field) => Assert.Equal(field, CsvText.Field(text));
}
