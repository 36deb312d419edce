namespace SampleCnn.Audio.Signal;

/// <summary>Fills the span with the next samples of a stream and returns how many it wrote; 0 at the end.</summary>
public delegate int SampleSource(Span<float> into);
