namespace SampleCnn.Audio.Signal;

/// <summary>
/// How a clip is cut into model inputs: segments of <see cref="Length"/> samples every <see cref="Hop"/>
/// samples, at most <see cref="Count"/> of them (null: as many as the clip holds). An
/// <see cref="EvenlySpaced"/> plan instead cuts <see cref="Count"/> segments spread over the whole clip
/// (its hop depends on the clip's length, so it needs the clip whole, as a store holds it).
/// </summary>
public sealed record SegmentPlan(int Length, int? Count, int Hop, bool EvenlySpaced = false)
{
    /// <summary>The paper kept the first 640,512 samples (~29.05 s) of each clip; its 10 segments use the first 10 x 59049.</summary>
    public const int PaperClipSamples = 640_512;

    /// <summary>The paper's cut: 10 consecutive, non-overlapping segments from the start.</summary>
    public static SegmentPlan Paper(int length) => new(length, 10, length);

    /// <summary>Every whole, non-overlapping segment of the clip.</summary>
    public static SegmentPlan All(int length) => new(length, null, length);

    /// <summary>
    /// <paramref name="count"/> segments over the whole clip: hop = (clip length - <paramref name="length"/>) / count
    /// (integer division), segment i starts at i x hop (Won et al. 2020's evaluation). A clip shorter than one
    /// segment gives one, padded with silence, as every plan does.
    /// </summary>
    public static SegmentPlan Spread(int length, int count) => new(length, count, length, EvenlySpaced: true);

    /// <summary>Samples the plan can use from the start of a clip: the rest need not be decoded.</summary>
    public long SamplesNeeded => Count is { } c && !EvenlySpaced ? (long)(c - 1) * Hop + Length : long.MaxValue;

    /// <summary>Segments this plan cuts from a clip of <paramref name="clipLength"/> samples (a short clip gives one, padded).</summary>
    public int SegmentsIn(long clipLength)
    {
        if (clipLength <= 0) return 0;
        if (clipLength < Length) return 1;
        long whole = EvenlySpaced ? Count!.Value : (clipLength - Length) / Hop + 1;
        return (int)Math.Min(whole, Count ?? int.MaxValue);
    }

    /// <summary>Where segment <paramref name="index"/> of a clip of <paramref name="clipLength"/> samples starts.</summary>
    public long Start(int index, long clipLength) =>
        index * (EvenlySpaced ? Math.Max(0, (clipLength - Length) / Count!.Value) : Hop);

    public void Validate()
    {
        if (Length < 1) throw new ArgumentOutOfRangeException(nameof(Length), Length, "segment length must be at least 1 sample");
        if (Hop < 1) throw new ArgumentOutOfRangeException(nameof(Hop), Hop, "segment hop must be at least 1 sample");
        if (Count is < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "segment count must be at least 1");
        if (EvenlySpaced && Count is null) throw new ArgumentOutOfRangeException(nameof(Count), Count, "evenly spaced segments need a count");
    }
}
