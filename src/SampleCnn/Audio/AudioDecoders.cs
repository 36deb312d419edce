namespace SampleCnn.Audio;

/// <summary>Opens the right decoder for a file, judged by its content and checked against its extension.</summary>
public static class AudioDecoders
{
    public static IAudioDecoder Open(string path)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioDecodeException(path, AudioProblem.NotAudio, $"cannot open: {e.Message}", e);
        }
        try
        {
            return new SampleRangeGuard(Open(path, stream), path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    static IAudioDecoder Open(string path, Stream stream)
    {
        if (stream.Length == 0) throw new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes)");
        Span<byte> head = stackalloc byte[64];
        head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        stream.Position = 0;
        var content = AudioFormats.FromContent(head);
        var promised = AudioFormats.FromExtension(path);
        var extension = Path.GetExtension(path);

        if (promised is not null && content != AudioFormat.Unknown && !promised.Contains(content))
            throw new AudioDecodeException(path, AudioProblem.WrongExtension,
                $"the extension says {AudioFormats.Describe(promised[0])} but the content is {AudioFormats.Describe(content)}; rename the file");
        if (content == AudioFormat.Unknown && promised is [var expected, ..] && expected is AudioFormat.Wav or AudioFormat.Mp3 or AudioFormat.OggVorbis)
            throw new AudioDecodeException(path, AudioProblem.NotAudio, $"the extension says {AudioFormats.Describe(expected)} but the file does not start like one (not audio?)");

        switch (content)
        {
            case AudioFormat.Wav:
                try
                {
                    return new WavDecoder(path, stream);
                }
                catch (AudioDecodeException e) when (e.Problem == AudioProblem.UnsupportedCodec && FfmpegDecoder.Executable is not null)
                {
                    stream.Dispose();
                    return new FfmpegDecoder(path, "this WAV codec");
                }
            case AudioFormat.Mp3:
                try
                {
                    return new Mp3Decoder(path, stream);
                }
                catch (AudioDecodeException e) when (e.Problem == AudioProblem.UnsupportedCodec && FfmpegDecoder.Executable is not null)
                {
                    stream.Dispose();
                    return new FfmpegDecoder(path, "MP3 with intensity stereo");
                }
            case AudioFormat.OggVorbis:
                return new VorbisDecoder(path, stream);
            case AudioFormat.Unknown when FfmpegDecoder.Executable is null:
                throw new AudioDecodeException(path, AudioProblem.NotAudio, "unrecognised content: not WAV, MP3 or Ogg Vorbis (with ffmpeg on PATH other formats are tried)");
            default:
                stream.Dispose();
                return new FfmpegDecoder(path, content == AudioFormat.Unknown ? $"'{extension}' content" : AudioFormats.Describe(content));
        }
    }
}
