using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// A model's features at one layer for each segment, pooled over the segment's time steps: [batch, 1, samples] to
/// [batch, <see cref="Width"/>]. The layer is 1 (the front end) to <see cref="TaggingCnn.LayerCount"/> (module k-1 for
/// k), as <see cref="TaggingCnn.LayerOutputs"/> counts them, or null for the vector the dense output layer reads
/// (<see cref="TaggingCnn.Penultimate"/>: one time step, so pooling within a segment keeps it as it is). The penultimate
/// vector comes from libtorch, from the Winograd engine (<see cref="TaggerEngine.Winograd"/>) or from ONNX Runtime (the
/// graph's embedding output, <see cref="TaggerEngine.Onnx"/>); those two give that layer only.
/// </summary>
internal sealed class LayerFeatures : nn.Module<Tensor, Tensor>
{
    private readonly TaggingCnn cnn;
    private readonly int? layer;
    private readonly EmbeddingPool pool;
    private readonly nn.Module<Tensor, Tensor>? engineNetwork;

    /// <param name="cnn">The model, BatchNorm folded by the caller.</param>
    public LayerFeatures(TaggingCnn cnn, int? layer, EmbeddingPool pool, TaggerEngine engine = TaggerEngine.Torch) : base(nameof(LayerFeatures))
    {
        if (layer is { } k && (k < 1 || k > cnn.LayerCount))
            throw new OptionException(nameof(EmbeddingOptions.Layer), "layer", k, $"this model has layers 1 to {cnn.LayerCount} (1 is the first layer, k the module k-1)");
        if (engine != TaggerEngine.Torch && layer is { } n)
            throw new OptionException(nameof(EmbeddingOptions.Layer), "layer", n,
                $"{(engine == TaggerEngine.Onnx ? "ONNX Runtime's graph" : "the Winograd engine")} gives the penultimate vector only: a layer's output comes from libtorch");
        this.cnn = cnn;
        this.layer = layer;
        this.pool = pool;
        Engine = engine;
        engineNetwork = engine switch
        {
            TaggerEngine.Winograd => new WinogradNetwork(cnn, get_num_threads(), embedding: true, scores: false),
            TaggerEngine.Onnx => new OnnxRuntimeNetwork(cnn, get_num_threads(), embedding: true, scores: false),
            _ => null,
        };
        Channels = layer is { } l ? (int)cnn.Filters(l) : ClassifierHead.Width;
        RegisterComponents();
    }

    /// <summary>
    /// Frees the engine's ONNX Runtime sessions or buffers. Not <c>Dispose</c>: that would also dispose the model, a
    /// registered submodule its owner disposes.
    /// </summary>
    public void DisposeEngine() => engineNetwork?.Dispose();

    /// <summary>What computes the features: libtorch, the Winograd engine or ONNX Runtime.</summary>
    public TaggerEngine Engine { get; }

    /// <summary>The layer's channels: the width of <see cref="EmbeddingPool.Mean"/> and <see cref="EmbeddingPool.Max"/>.</summary>
    public int Channels { get; }

    /// <summary>Values per segment.</summary>
    public int Width => pool == EmbeddingPool.MeanMax ? 2 * Channels : Channels;

    public override Tensor forward(Tensor waveform)
    {
        using var scope = NewDisposeScope();
        var x = layer is { } k ? cnn.LayerOutputs(waveform, k)[k - 1] : (engineNetwork?.forward(waveform) ?? cnn.Penultimate(waveform)).unsqueeze(-1); // [batch, channels, time]
        var pooled = pool switch
        {
            EmbeddingPool.Mean => x.mean([-1]),
            EmbeddingPool.Max => x.amax([-1]),
            _ => cat([x.mean([-1]), x.amax([-1])], 1),
        };
        return pooled.MoveToOuterDisposeScope();
    }
}
