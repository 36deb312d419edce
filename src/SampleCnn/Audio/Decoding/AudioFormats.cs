namespace SampleCnn.Audio.Decoding;

/// <summary>Names a file's format by its content and by its extension, so the two can be checked against each other.</summary>
internal static class AudioFormats
{
    public static AudioFormat FromContent(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8)) return AudioFormat.Wav;
        if (head.StartsWith("OggS"u8))
            return head.IndexOf("\u0001vorbis"u8) is >= 0 and < 64 ? AudioFormat.OggVorbis : AudioFormat.OggOther;
        if (head.StartsWith("fLaC"u8)) return AudioFormat.Flac;
        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8)) return AudioFormat.Mp4;
        if (head.Length >= 12 && head.StartsWith("FORM"u8) && (head[8..12].SequenceEqual("AIFF"u8) || head[8..12].SequenceEqual("AIFC"u8))) return AudioFormat.Aiff;
        if (head.StartsWith("ID3"u8) || head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE6) is 0xE2 or 0xE4 or 0xE6) return AudioFormat.Mp3;
        return AudioFormat.Unknown;
    }

    /// <summary>The format an extension promises, or null for extensions we leave to ffmpeg to judge.</summary>
    public static AudioFormat[]? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" or ".wave" => [AudioFormat.Wav],
        ".mp3" => [AudioFormat.Mp3],
        ".ogg" or ".oga" or ".opus" => [AudioFormat.OggVorbis, AudioFormat.OggOther],
        ".flac" => [AudioFormat.Flac],
        ".m4a" or ".mp4" or ".aac" => [AudioFormat.Mp4],
        ".aif" or ".aiff" or ".aifc" => [AudioFormat.Aiff],
        _ => null,
    };

    public static string Describe(AudioFormat format) => format switch
    {
        AudioFormat.Wav => "WAV",
        AudioFormat.Mp3 => "MP3",
        AudioFormat.OggVorbis => "Ogg Vorbis",
        AudioFormat.OggOther => "Ogg (Opus/FLAC)",
        AudioFormat.Flac => "FLAC",
        AudioFormat.Mp4 => "MP4/M4A",
        AudioFormat.Aiff => "AIFF",
        _ => "unrecognised",
    };
}
