namespace SampleCnn.Audio.Decoding;

/// <summary>
/// Decodes the frames <see cref="Mp3Decoder"/>'s frame walk accepted, one at a time in the stream's order:
/// libmpg123's decoder (<see cref="Mpg123FrameDecoder"/>) or NLayer's (<see cref="NLayerFrameDecoder"/>).
/// </summary>
internal interface IMp3FrameDecoder : IDisposable
{
    /// <summary>
    /// Decodes one whole frame (header included; a frame cut off by the end of the file is padded with zeros) into
    /// <paramref name="output"/>, interleaved; returns the samples written (all channels), 0 when the payload could
    /// not be decoded. May throw on damaged data; the caller then calls <see cref="Reset"/>.
    /// </summary>
    int Decode(Mp3FrameHeader header, byte[] frame, float[] output);

    /// <summary>Forgets the stream so far (bit reservoir, filterbank state): the next frame starts afresh.</summary>
    void Reset();
}
