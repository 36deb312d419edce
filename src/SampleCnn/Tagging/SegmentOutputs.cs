namespace SampleCnn.Tagging;

/// <summary>
/// What the network gave for each segment of one file, [Segments, Width] row by row (tag scores or features), with
/// the segments' length and hop in seconds. <see cref="Error"/> is set, and <see cref="Values"/> empty, when the
/// file could not be decoded; <see cref="Recovered"/> says what a damaged file lost.
/// </summary>
internal sealed record SegmentOutputs(string Path, float[] Values, int Width, int Segments, double SegmentSeconds, double HopSeconds,
    bool Padded, string? Error, string? Recovered)
{
    public bool Failed => Error is not null;

    /// <summary>Each output's mean over the segments (empty for a failed file).</summary>
    public float[] Mean()
    {
        var mean = new float[Failed ? 0 : Width];
        for (int s = 0; s < Segments; s++)
            for (int j = 0; j < mean.Length; j++) mean[j] += Values[s * Width + j] / Segments;
        return mean;
    }

    /// <summary>Each output's maximum over the segments (empty for a failed file).</summary>
    public float[] Max()
    {
        var max = new float[Failed ? 0 : Width];
        Array.Fill(max, float.NegativeInfinity);
        for (int s = 0; s < Segments; s++)
            for (int j = 0; j < max.Length; j++) max[j] = Math.Max(max[j], Values[s * Width + j]);
        return max;
    }
}
