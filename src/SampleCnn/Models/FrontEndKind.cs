namespace SampleCnn.Models;

/// <summary>What turns the waveform into the first feature map.</summary>
public enum FrontEndKind
{
    /// <summary>A strided convolution on raw samples: filter = stride = m (sample-level) or m^k (frame-level).</summary>
    Waveform,
    /// <summary>A log mel spectrogram computed inside the model; mel bins become channels.</summary>
    Mel,
}
