namespace SampleCnn.Audio.Decoding;

/// <summary>
/// One libmpg123 handle (one per decode: handles are not shared between threads) in feed mode: each frame is fed
/// whole and read back as 32-bit float samples before the next is fed. Its own gapless trimming, Info-frame parsing,
/// resynchronisation and resampling are off: the frame walk, <see cref="Mp3Decoder"/>'s trim and our resampler do
/// those, so the samples line up with NLayer's and ffmpeg's. A frame whose output is not exactly one frame of
/// samples (an error, a header libmpg123 refuses) counts as undecodable, and the handle starts afresh.
/// </summary>
internal sealed unsafe class Mpg123FrameDecoder : IMp3FrameDecoder
{
    // mpg123.h: enum mpg123_parms, mpg123_param_flags, mpg123_errors, mpg123_channelcount; fmt123.h: MPG123_ENC_FLOAT_32.
    const int Flags = 1;
    const int MonoMix = 0x4, Quiet = 0x20, NoResync = 0x80, ForceFloat = 0x400, IgnoreInfoFrame = 0x4000, NoReadAhead = 0x400000;
    const int Ok = 0, NeedMore = -10, NewFormat = -11;
    const int EncodingFloat32 = 0x200;

    private readonly Mpg123 library;
    private readonly int rate, channels;
    private readonly bool mix;
    private nint handle;

    /// <param name="channels">Channels of the output: 1 for a mono file, or for a stereo one mixed (<paramref name="mix"/>).</param>
    /// <param name="mix">Mix a stereo file's channels to one before the filterbanks ((L + R) / 2 of the spectra; libmpg123's MONO_MIX).</param>
    public Mpg123FrameDecoder(Mpg123 library, int rate, int channels, bool mix)
    {
        this.library = library;
        (this.rate, this.channels, this.mix) = (rate, channels, mix);
        Open();
    }

    void Open()
    {
        int error;
        handle = library.New(null, &error);
        if (handle == 0) throw new OutOfMemoryException($"libmpg123 could not create a decoder (error {error})");
        // Gapless (0x40), automatic resampling and the float fallback are left out: the flags are set whole.
        int flags = Quiet | NoResync | ForceFloat | IgnoreInfoFrame | NoReadAhead | (mix ? MonoMix : 0);
        if (library.Param(handle, Flags, new System.Runtime.InteropServices.CLong(flags), 0) != Ok
            || library.FormatNone(handle) != Ok
            || library.Format(handle, new System.Runtime.InteropServices.CLong(rate), channels, EncodingFloat32) != Ok
            || library.OpenFeed(handle) != Ok)
        {
            Dispose();
            throw new InvalidOperationException("libmpg123 refused the decoder's settings");
        }
    }

    public int Decode(Mp3FrameHeader header, byte[] frame, float[] output)
    {
        int expected = header.SampleCount * channels, written = 0;
        fixed (byte* input = frame)
        fixed (float* samples = output)
        {
            if (library.Feed(handle, input, (nuint)header.Length) != Ok) return Failed();
            while (true)
            {
                nuint done;
                int status = library.Read(handle, samples + written, (nuint)((output.Length - written) * sizeof(float)), &done);
                written += (int)done / sizeof(float);
                if (status == NeedMore) break;
                if (status is not (Ok or NewFormat) || written == output.Length) return Failed();
            }
        }
        return written == expected ? written : Failed();
    }

    int Failed()
    {
        Reset();
        return 0;
    }

    public void Reset()
    {
        Dispose();
        Open();
    }

    public void Dispose()
    {
        if (handle == 0) return;
        library.Delete(handle);
        handle = 0;
    }
}
