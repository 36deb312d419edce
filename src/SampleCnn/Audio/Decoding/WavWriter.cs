using System.Buffers.Binary;

namespace SampleCnn.Audio.Decoding;

/// <summary>Writes mono WAV files (the synthetic generator's and the tests' output).</summary>
internal static class WavWriter
{
    /// <summary>16-bit PCM, the samples clamped to full scale.</summary>
    public static void WriteMono16(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        var bytes = Header(samples.Length, sampleRate, format: 1, bytesPerSample: 2);
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + 2 * i), (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue));
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>32-bit float, the samples as they are (NaN and out-of-range values included).</summary>
    public static void WriteMonoFloat(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        var bytes = Header(samples.Length, sampleRate, format: 3, bytesPerSample: 4);
        for (int i = 0; i < samples.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(44 + 4 * i), samples[i]);
        File.WriteAllBytes(path, bytes);
    }

    // The canonical 44-byte header of a mono file; the samples follow it.
    static byte[] Header(int count, int sampleRate, short format, short bytesPerSample)
    {
        int dataBytes = bytesPerSample * count;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], format);                        // 1 PCM, 3 float
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);                             // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], bytesPerSample * sampleRate);   // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], bytesPerSample);                // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], (short)(8 * bytesPerSample));
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        return bytes;
    }
}
