namespace SampleCnn.Tests.Audio;

/// <summary>The committed audio fixtures (Fixtures/Audio, made by make.sh) and their ffmpeg decodes.</summary>
static class Fixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Audio");

    public static string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>ffmpeg's decode of the fixture at its own rate and channel count, interleaved.</summary>
    public static float[] Reference(string name) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(PathOf(name) + ".ref.f32")).ToArray();

    /// <summary>A scratch folder removed when the test ends.</summary>
    public sealed class Scratch : IDisposable
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("samplecnn-test-").FullName;

        public string Write(string name, byte[] bytes)
        {
            var path = Path.Combine(Folder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
