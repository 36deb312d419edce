namespace SampleCnn.Audio.Decoding;

/// <summary>
/// MP3 (MPEG-1/2/2.5 layers I-III): <see cref="Mp3FrameScanner"/> checks the frame structure, then
/// frames are read one at a time and decoded by libmpg123 (<see cref="Mpg123FrameDecoder"/>) where it is installed,
/// else by NLayer's frame decoder (<see cref="NLayerFrameDecoder"/>); both give the same samples within float
/// rounding. The clip is the sample range the scanner names (LAME gapless trimming as ffmpeg applies it), so our
/// samples line up with ffmpeg's. Damaged stretches the scanner skipped, and frames whose payload cannot be decoded
/// (given as silence, as ffmpeg conceals them), make the file "recovered"; see <see cref="Damage"/>. (libmpg123
/// conceals a frame whose main data is lost with the bits before it as silence itself, without saying so: such a
/// frame counts as undecodable with NLayer only.)
/// With NLayer, files using intensity stereo are refused (<see cref="AudioProblem.UnsupportedCodec"/>, so that
/// <see cref="AudioDecoders"/> hands them to ffmpeg): NLayer's intensity-stereo processing does not follow
/// the MPEG-2 rules (illegal positions, intensity scale), which put 19% of the granules of real files
/// below 40 dB SNR against ffmpeg, and it cannot be corrected from outside its frame decoder.
/// Asked for mono, a stereo file is mixed to mono in the frequency domain ((L + R) / 2 of the spectra) before the
/// hybrid and polyphase filterbanks, so these run once instead of twice. Both banks
/// are linear, so that equals decoding both channels and averaging them, as long as the two channels of every
/// granule use the same block type (else their windows differ); a file where they differ anywhere
/// (<see cref="Mp3Layout.SplitBlockFrames"/>) is decoded in stereo.
/// </summary>
internal sealed class Mp3Decoder : IAudioDecoder
{
    private readonly Stream stream;
    private readonly string path;
    private readonly Mp3Layout layout;
    private readonly IMp3FrameDecoder frameDecoder;
    private readonly int channels;
    private readonly float[] decoded = new float[2 * 2 * 1152]; // twice the largest frame: libmpg123's output must not fill it
    private byte[] frameBytes = new byte[2048]; // the largest frame (layer II, 384 kbps at 32 kHz) is 1729 bytes
    private int decodedOffset, decodedCount;    // in samples of decoded[]
    private long nextSample;                     // per-channel index of decoded[decodedOffset]
    private int framesRead;
    private int gapsPassed, badFrames;
    private long bytesSkipped;

    public int SampleRate => layout.First.SampleRate;
    public int Channels => channels;

    public AudioDamage? Damage
    {
        get
        {
            var end = framesRead == layout.Frames ? layout.End : null;
            if (gapsPassed == 0 && badFrames == 0) return end;
            var parts = new List<string>();
            if (gapsPassed > 0) parts.Add($"corrupt: skipped {gapsPassed} damaged stretch(es) of {bytesSkipped:N0} bytes");
            if (badFrames > 0) parts.Add($"{badFrames} undecodable frame(s) given as silence");
            if (end is not null) parts.Add(end.Reason);
            return new AudioDamage(AudioProblem.Corrupt, string.Join("; ", parts));
        }
    }

    /// <param name="mono">Whether the samples are wanted as one channel (the average of two); <see cref="Channels"/> says whether they are.</param>
    public Mp3Decoder(string path, Stream stream, bool mono = false) : this(path, stream, mono, Mpg123.Default) { }

    /// <param name="library">libmpg123, or null for NLayer.</param>
    public Mp3Decoder(string path, Stream stream, bool mono, Mpg123? library)
    {
        this.path = path;
        this.stream = stream;
        layout = Mp3FrameScanner.Scan(path, stream);
        if (library is null && layout.IntensityStereoFrames > 0)
            throw new AudioDecodeException(path, AudioProblem.UnsupportedCodec,
                $"{layout.IntensityStereoFrames} of {layout.Frames} MP3 frames use intensity stereo, which the built-in decoder does not decode correctly; install libmpg123 or ffmpeg (e.g. apt-get install libmpg123-0 ffmpeg) to decode it");
        channels = layout.First.Channels;
        // libmpg123 mixes Layer III only (its layers I and II give the left channel when asked to mix): those stay stereo.
        bool mix = mono && channels == 2 && layout.SplitBlockFrames == 0 && (library is null || layout.First.Layer == 3);
        if (mix) channels = 1;
        stream.Position = layout.FirstFrame;
        // Last, so that nothing above can throw with a native handle open.
        frameDecoder = library is null ? new NLayerFrameDecoder(mix) : new Mpg123FrameDecoder(library, SampleRate, channels, mix);
    }

    public int Read(Span<float> interleaved)
    {
        int frames = 0, capacity = interleaved.Length / channels;
        while (frames < capacity && nextSample < layout.EndSample)
        {
            if (decodedOffset == decodedCount && !DecodeNextFrame()) break;
            // Drop what lies before the clip's start, then copy up to its end.
            Advance((int)Math.Clamp(layout.StartSample - nextSample, 0, (decodedCount - decodedOffset) / channels));
            int n = (int)Math.Min(Math.Min((decodedCount - decodedOffset) / channels, capacity - frames), layout.EndSample - nextSample);
            decoded.AsSpan(decodedOffset, n * channels).CopyTo(interleaved[(frames * channels)..]);
            Advance(n);
            frames += n;
        }
        return frames;
    }

    void Advance(int samples)
    {
        decodedOffset += samples * Channels;
        nextSample += samples;
    }

    bool DecodeNextFrame()
    {
        if (framesRead == layout.Frames) return false;
        for (; gapsPassed < layout.Gaps.Count && layout.Gaps[gapsPassed].BeforeFrame == framesRead; gapsPassed++)
        {
            stream.Position = layout.Gaps[gapsPassed].Position;
            bytesSkipped += layout.Gaps[gapsPassed].Skipped;
        }
        Span<byte> headerBytes = stackalloc byte[4];
        stream.ReadExactly(headerBytes);
        var header = Mp3FrameHeader.Parse(headerBytes) ?? throw new AudioDecodeException(path, AudioProblem.Corrupt, $"corrupt: frame {framesRead + 1} changed while reading");
        if (frameBytes.Length < header.Length) frameBytes = new byte[header.Length];
        headerBytes.CopyTo(frameBytes);
        var payload = frameBytes.AsSpan(4, header.Length - 4);
        payload[stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false)..].Clear(); // a frame cut off by the end of the file
        framesRead++;
        try
        {
            decodedCount = frameDecoder.Decode(header, frameBytes, decoded);
        }
        catch (Exception e) when (AudioDecodeException.IsPerFile(e))
        {
            frameDecoder.Reset();
            decodedCount = 0;
        }
        if (decodedCount == 0) // a damaged payload, or bit reservoir data lost with a skipped frame: silence keeps the timing
        {
            badFrames++;
            decodedCount = header.SampleCount * Channels;
            Array.Clear(decoded, 0, decodedCount);
        }
        decodedOffset = 0;
        return true;
    }

    public void Dispose()
    {
        frameDecoder.Dispose();
        stream.Dispose();
    }
}
