using SampleCnn.Audio.Signal;
using SampleCnn.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The frame-level mel-spectrogram input, computed inside the model so every model reads the same
/// waveform segments: Hann-windowed STFT (window F, hop H), power, 128 Slaney mel bands (librosa's
/// convention), log10(1 + 10 x) compression (the paper's spectrum compression), then BatchNorm per band
/// in place of input standardisation. The FFT size is the window rounded up to a power of two, at least
/// 1024, so no band of 128 is empty at 22050 Hz even for an 81-sample window. The waveform is padded
/// so that frame t's window is centred on samples [tH, tH + H): the map has exactly L / H frames.
/// </summary>
internal sealed class MelFrontEnd : nn.Module<Tensor, Tensor>, ILayerRows
{
    private readonly Tensor window;
    private readonly Tensor filterbank;
    private readonly BatchNorm1d bn;
    private readonly int windowLength, hop, nFft, padLeft, padRight;

    public MelFrontEnd(int windowLength, int hop, int mels, int sampleRate, MelScale scale = MelScale.Slaney, BatchNormSettings? batchNorm = null)
        : base(nameof(MelFrontEnd))
    {
        this.windowLength = windowLength;
        this.hop = hop;
        nFft = (int)Math.Max(1024, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)windowLength));
        padLeft = (nFft - windowLength) / 2 + (windowLength - hop) / 2;
        padRight = nFft - hop - padLeft;
        // Derived from the spec, so not part of the saved weights.
        register_buffer(nameof(window), window = hann_window(windowLength), persistent: false);
        register_buffer(nameof(filterbank), filterbank = tensor(MelFilterbank.Create(sampleRate, nFft, mels, scale)), persistent: false);
        bn = (batchNorm ?? BatchNormSettings.PyTorch).Create(mels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(x.squeeze(1), [padLeft, padRight]);
        var spectrum = stft(padded, nFft, hop, windowLength, window, center: false, return_complex: true);
        var power = spectrum.abs().pow(KeptScalars.Two); // square(), with a kept Scalar
        var mel = matmul(filterbank, power);
        return bn.Normalize(torch.log10(mel.mul(KeptScalars.Ten).add(KeptScalars.One, KeptScalars.One))).MoveToOuterDisposeScope(); // log10(1 + 10 mel)
    }

    public IEnumerable<LayerRow> Rows(string name, long inputLength)
    {
        var frames = inputLength / hop;
        yield return new LayerRow(name, $"STFT {windowLength}/{hop}, {filterbank.shape[0]} mel",
            filterbank.shape[0], frames, this.Count(), frames * filterbank.numel());
    }
}
