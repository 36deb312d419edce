namespace SampleCnn.Audio.Signal;

/// <summary>Fills the span with the next samples of a stream and returns how many it wrote; 0 at the end.</summary>
internal delegate int SampleSource(Span<float> into);
