namespace SampleCnn.Audio.Decoding;

/// <summary>Opens the right decoder for a file, judged by its content and checked against its extension.</summary>
internal static class AudioDecoders
{
    /// <summary>
    /// Sample rates accepted from any header: 1 kHz (below it nothing of music is left) to 384 kHz (the
    /// highest rate of real PCM formats: DXD is 352.8 kHz). A damaged header's rate would otherwise size
    /// the resampler (a 767,993 Hz header builds a 250 MB filter) or overflow its arithmetic.
    /// </summary>
    public const int MinSampleRate = 1_000, MaxSampleRate = 384_000;

    /// <summary>Refuses a rate outside [<see cref="MinSampleRate"/>, <see cref="MaxSampleRate"/>].</summary>
    public static void CheckSampleRate(string path, long rate)
    {
        if (rate is < MinSampleRate or > MaxSampleRate)
            throw new AudioDecodeException(path, AudioProblem.Corrupt,
                $"sample rate {rate:N0} Hz is outside {MinSampleRate:N0}-{MaxSampleRate:N0} Hz (a damaged header?)");
    }

    /// <param name="cancel">Stops a decode in progress (the ffmpeg process is killed).</param>
    /// <param name="mono">The caller averages the channels anyway: a decoder that can mix earlier, for less work, does (see <see cref="IAudioDecoder.Channels"/>).</param>
    public static IAudioDecoder Open(string path, CancellationToken cancel = default, bool mono = false)
    {
        var stream = OpenRegularFile(path);
        try
        {
            var decoder = Open(path, stream, cancel, mono);
            try
            {
                CheckSampleRate(path, decoder.SampleRate);
            }
            catch
            {
                decoder.Dispose();
                throw;
            }
            return new SampleRangeGuard(decoder, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // Pipes, FIFOs and devices are refused before they are opened: opening a FIFO blocks until someone
    // writes to it, and a device never ends. .NET does not expose the file type, but all of them have a
    // size of 0 on Unix, as an empty file does.
    static FileStream OpenRegularFile(string path)
    {
        FileStream stream;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw new AudioDecodeException(path, AudioProblem.NotAudio, "cannot open: a folder, not a file");
            if (info.Exists && info.Length == 0) throw new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes), or not a regular file (a pipe or device is not read)");
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException and not AudioDecodeException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AudioDecodeException(path, AudioProblem.NotAudio, $"cannot open: {e.Message}", e);
        }
        if (!stream.CanSeek || stream.Length == 0)
        {
            stream.Dispose();
            throw new AudioDecodeException(path, AudioProblem.Empty, "empty file (0 bytes), or not a regular file (a pipe or device is not read)");
        }
        return stream;
    }

    static IAudioDecoder Open(string path, Stream stream, CancellationToken cancel, bool mono)
    {
        Span<byte> head = stackalloc byte[64];
        head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        stream.Position = 0;
        var content = AudioFormats.FromContent(head);
        var promised = AudioFormats.FromExtension(path);
        var extension = Path.GetExtension(path);

        if (promised is not null && content != AudioFormat.Unknown && !promised.Contains(content))
            throw new AudioDecodeException(path, AudioProblem.WrongExtension,
                $"the extension says {AudioFormats.Describe(promised[0])} but the content is {AudioFormats.Describe(content)}; rename the file");
        // An MP3 has no file header, only frames: with the first one damaged, the frame walk finds the next.
        if (content == AudioFormat.Unknown && promised is [AudioFormat.Mp3]) content = AudioFormat.Mp3;
        if (content == AudioFormat.Unknown && promised is [var expected, ..] && expected is AudioFormat.Wav or AudioFormat.OggVorbis)
            throw new AudioDecodeException(path, AudioProblem.NotAudio, $"the extension says {AudioFormats.Describe(expected)} but the file does not start like one (not audio?)");

        switch (content)
        {
            case AudioFormat.Wav:
                return BuiltInOrFfmpeg(path, stream, () => new WavDecoder(path, stream), "this WAV codec", cancel);
            case AudioFormat.Mp3:
                return BuiltInOrFfmpeg(path, stream, () => new Mp3Decoder(path, stream, mono), "MP3 with intensity stereo", cancel);
            case AudioFormat.OggVorbis:
                return new VorbisDecoder(path, stream);
            case AudioFormat.Unknown when FfmpegDecoder.Executable is null:
                throw new AudioDecodeException(path, AudioProblem.NotAudio, "unrecognised content: not WAV, MP3 or Ogg Vorbis (with ffmpeg on PATH other formats are tried)");
            default:
                stream.Dispose();
                return new FfmpegDecoder(path, content == AudioFormat.Unknown ? $"'{extension}' content" : AudioFormats.Describe(content), cancel);
        }
    }

    // What our decoder refuses as an unsupported codec (an exotic WAV codec, MP3 intensity stereo) goes to
    // ffmpeg when it is on PATH; without it the refusal stands and names the remedy.
    static IAudioDecoder BuiltInOrFfmpeg(string path, Stream stream, Func<IAudioDecoder> open, string what, CancellationToken cancel)
    {
        try
        {
            return open();
        }
        catch (AudioDecodeException e) when (e.Problem == AudioProblem.UnsupportedCodec && FfmpegDecoder.Executable is not null)
        {
            stream.Dispose();
            return new FfmpegDecoder(path, what, cancel);
        }
    }
}
