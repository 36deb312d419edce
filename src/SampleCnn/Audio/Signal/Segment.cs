namespace SampleCnn.Audio.Signal;

/// <summary>One model input cut from a clip. <see cref="Padded"/>: the clip was shorter than one segment and was zero-padded.</summary>
internal sealed record Segment(int Index, long Start, float[] Samples, bool Padded);
