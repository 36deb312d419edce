namespace SampleCnn.Audio.Signal;

/// <summary>Cuts a clip into segments by a <see cref="SegmentPlan"/>, reading only as much audio as the plan needs.</summary>
internal static class Segmenter
{
    /// <summary>The segments of a waveform already in memory.</summary>
    public static IEnumerable<Segment> Cut(Waveform waveform, SegmentPlan plan)
    {
        int position = 0;
        return Cut(span =>
        {
            int n = Math.Min(span.Length, waveform.Samples.Length - position);
            waveform.Samples.AsSpan(position, n).CopyTo(span);
            position += n;
            return n;
        }, plan);
    }

    /// <summary>Streams the segments of a source (a decoder's reader), holding about one segment of samples at a time.</summary>
    public static IEnumerable<Segment> Cut(SampleSource read, SegmentPlan plan)
    {
        plan.Validate();
        // Evenly spaced segments depend on the clip's length, which a stream does not know before its end.
        if (plan.EvenlySpaced) throw new ArgumentException("evenly spaced segments are cut from a whole clip (a store's), not a stream", nameof(plan));
        var window = new float[Math.Max(plan.Length, plan.Hop)];
        int filled = 0;   // samples of window[] holding audio from 'start' on
        long start = 0;
        for (int index = 0; plan.Count is null || index < plan.Count; index++)
        {
            while (filled < plan.Length)
            {
                int n = read(window.AsSpan(filled, plan.Length - filled));
                if (n == 0) break;
                filled += n;
            }
            if (filled < plan.Length)
            {
                if (index == 0 && filled > 0) // shorter than one segment: pad it with silence
                    yield return new Segment(0, 0, window.AsSpan(0, plan.Length).ToArray(), Padded: true);
                yield break;
            }
            yield return new Segment(index, start, window.AsSpan(0, plan.Length).ToArray(), Padded: false);

            // Move to the next segment: keep the overlap, or skip the gap.
            if (plan.Hop < plan.Length)
                window.AsSpan(plan.Hop, plan.Length - plan.Hop).CopyTo(window);
            else
                for (int skip = plan.Hop - plan.Length; skip > 0;)
                {
                    int n = read(window.AsSpan(0, Math.Min(skip, window.Length)));
                    if (n == 0) yield break;
                    skip -= n;
                }
            filled = Math.Max(0, plan.Length - plan.Hop);
            start += plan.Hop;
        }
    }
}
