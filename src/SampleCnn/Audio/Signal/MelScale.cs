namespace SampleCnn.Audio.Signal;

/// <summary>The two mel conventions in common use.</summary>
internal enum MelScale
{
    /// <summary>Slaney's Auditory Toolbox: linear below 1 kHz, log above; triangles normalised to unit area (librosa's default).</summary>
    Slaney,
    /// <summary>HTK: 2595 log10(1 + f/700); triangles of peak 1 (torchaudio's default).</summary>
    Htk,
}
