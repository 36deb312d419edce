namespace SampleCnn.Bench;

/// <summary>The fixed benchmark input: seeded noise written once as raw float32, read by every contender.</summary>
static class InputFile
{
    public static string Write(string folder, int count, int seed)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"input-{count}-{seed}.f32");
        if (File.Exists(path) && new FileInfo(path).Length == count * 4L) return path;
        var random = new Random(seed);
        var samples = new float[count];
        for (int i = 0; i < count; i++) samples[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
        using var file = File.Create(path);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));
        return path;
    }

    public static float[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
