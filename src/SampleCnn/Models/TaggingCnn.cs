using SampleCnn.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// Any model of the family, built from its <see cref="ModelSpec"/>: a front end (layer 1), n modules
/// that each divide the length by m, and a head. Input [batch, 1, samples]; output [batch, tags]
/// sigmoid scores.
/// </summary>
public sealed class TaggingCnn : nn.Module<Tensor, Tensor>
{
    /// <summary>The paper's dropout before the dense layer.</summary>
    public const double PaperDropout = 0.5;

    private readonly nn.Module<Tensor, Tensor> frontEnd;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;
    private readonly nn.Module<IReadOnlyList<Tensor>, Tensor> head;

    public ModelSpec Spec { get; }
    public int Tags { get; }

    /// <summary>The key prefix of the output layer (both heads' last dense): what a new head for other tags replaces.</summary>
    internal const string OutputLayerKey = "head.dense.";

    /// <summary>The settings of every BatchNorm in the model.</summary>
    public BatchNormSettings BatchNorm { get; }

    public TaggingCnn(ModelSpec spec, int tags, double dropout = PaperDropout, BatchNormSettings? batchNorm = null) : base(nameof(TaggingCnn))
    {
        if (tags < 1) throw new OptionException(nameof(tags), "tag count", tags, "a model needs at least one tag");
        Spec = spec;
        Tags = tags;
        BatchNorm = batchNorm ?? BatchNormSettings.PyTorch;
        BatchNorm.Validate();
        bool won = spec.Block == BlockKind.ReSe2Won;
        frontEnd = spec.FrontEnd == FrontEndKind.Mel
            ? new MelFrontEnd(spec.Filter, spec.Hop, ModelSpec.MelBins, spec.SampleRate, batchNorm: BatchNorm)
            : won ? new ReSe2Module(1, spec.FrontEndChannels, spec.Filter, BatchNorm, won: true, stride: spec.Filter, padding: spec.FirstPadding, pool: 1)
            : new WaveformFrontEnd(spec.Filter, spec.FrontEndChannels, BatchNorm, spec.FirstPadding);
        blocks = nn.ModuleList<nn.Module<Tensor, Tensor>>();
        for (int i = 1; i <= spec.Modules; i++)
        {
            long inChannels = i == 1 ? spec.FrontEndChannels : spec.ModuleChannels(i - 1), outChannels = spec.ModuleChannels(i);
            blocks.Add(spec.Block is BlockKind.ReSe2 or BlockKind.ReSe2Won
                ? new ReSe2Module(inChannels, outChannels, spec.M, BatchNorm, won)
                : new ConvModule(inChannels, outChannels, spec.M, spec.Block == BlockKind.SqueezeExcite, BatchNorm));
        }
        head = spec.MultiLevel
            ? new MultiLevelHead(Enumerable.Range(spec.Modules - MultiLevelHead.Levels + 1, MultiLevelHead.Levels).Sum(spec.ModuleChannels), tags, dropout, BatchNorm)
            : new ClassifierHead(spec.ModuleChannels(spec.Modules), tags, dropout, BatchNorm, spec.LastKernel, won, spec.DenseHead);
        RegisterComponents();
        InitialiseHeUniform();
    }

    /// <summary>He-uniform weights (bound sqrt(6 / fan_in), Keras' he_uniform) and zero biases, as the paper's code.</summary>
    private void InitialiseHeUniform()
    {
        using var noGrad = no_grad();
        foreach (var module in this.modules())
        {
            var (weight, bias) = module switch
            {
                Conv1d c => (c.weight, c.bias),
                Linear l => (l.weight, l.bias),
                _ => (null, null),
            };
            if (weight is null) continue;
            nn.init.kaiming_uniform_(weight, nonlinearity: nn.init.NonlinearityType.ReLU);
            bias?.zero_();
        }
    }

    /// <summary>
    /// Folds every BatchNorm that follows a convolution into it (eval-mode statistics), for inference:
    /// the outputs stay the same to float rounding. The model is then for inference only.
    /// </summary>
    public void FoldBatchNorm()
    {
        eval();
        foreach (var part in this.modules().OfType<IFoldable>()) part.FoldBatchNorm();
        IsFolded = true;
    }

    public bool IsFolded { get; private set; }

    /// <summary>Outputs of layer 1 and of every module, in order (index 0 is layer 1), or of the first <paramref name="layers"/> only.</summary>
    public IReadOnlyList<Tensor> LayerOutputs(Tensor waveform, int layers = int.MaxValue)
    {
        var outputs = new List<Tensor>(blocks.Count + 1) { frontEnd.forward(waveform) };
        foreach (var module in blocks.Take(layers - 1)) outputs.Add(module.forward(outputs[^1]));
        return outputs;
    }

    /// <summary>Number of layers with filters: layer 1 (the front end) and the n modules.</summary>
    public int LayerCount => blocks.Count + 1;

    /// <summary>Output channels (filters) of a layer (1-based: 1 is the front end, k the module k-1).</summary>
    public long Filters(int layer) => layer == 1 ? Spec.FrontEndChannels : Spec.ModuleChannels(layer - 1);

    /// <summary>
    /// A layer's activation after its ReLU (1-based: 1 is the front end, k is module k-1 before its
    /// max-pool), the quantity the paper's filter visualisation maximises.
    /// </summary>
    public Tensor Activation(Tensor waveform, int layer)
    {
        if (layer < 1 || layer > LayerCount) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layers are 1..{LayerCount}");
        using var scope = NewDisposeScope();
        var x = frontEnd.forward(waveform);
        for (int i = 0; i < layer - 2; i++) x = blocks[i].forward(x);
        if (layer > 1)
            x = blocks[layer - 2] switch
            {
                ConvModule m => m.Activation(x),
                ReSe2Module r => r.Activation(x),
                var other => other.forward(x),
            };
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The first layer's filter weights [filters, taps] when layer 1 is a convolution on samples, else null.</summary>
    public float[,]? FirstLayerWeights()
    {
        if (frontEnd is not WaveformFrontEnd) return null;
        using var scope = NewDisposeScope(); // holds the temporaries while libtorch reads them
        var weight = named_parameters().First(p => p.name == "frontEnd.conv.weight").parameter;
        var data = weight.detach().cpu().data<float>().ToArray();
        int filters = (int)weight.shape[0], taps = (int)weight.shape[2];
        var result = new float[filters, taps];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(float));
        return result;
    }

    /// <summary>
    /// The embedding: the 512-wide vector the dense output layer reads, [batch, 512], taken before the dropout
    /// (so the same in training and evaluation mode but for BatchNorm).
    /// </summary>
    public Tensor Penultimate(Tensor waveform)
    {
        using var scope = NewDisposeScope();
        var outputs = LayerOutputs(waveform);
        return ((ITaggingHead)head).Penultimate(outputs.Skip(1).ToList()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What a new head on this network's body reads, [batch, 512]: the penultimate vector, or with
    /// <paramref name="beforeHidden"/> the last conv's output that the hidden dense layer of <c>+dense-head</c> reads.
    /// </summary>
    internal Tensor HeadInput(Tensor waveform, bool beforeHidden)
    {
        if (!beforeHidden) return Penultimate(waveform);
        using var scope = NewDisposeScope();
        return ClassifierHeadOf().LastConv(LayerOutputs(waveform).Skip(1).ToList()).MoveToOuterDisposeScope();
    }

    /// <summary>The logits from <see cref="HeadInput"/>'s vector: the same as <see cref="Logits"/> of the waveform.</summary>
    internal Tensor LogitsFrom(Tensor headInput, bool beforeHidden)
    {
        using var scope = NewDisposeScope();
        var penultimate = beforeHidden ? ClassifierHeadOf().Hidden(headInput) : headInput;
        return ((ITaggingHead)head).Output(penultimate).MoveToOuterDisposeScope();
    }

    ClassifierHead ClassifierHeadOf() =>
        head as ClassifierHead ?? throw new InvalidOperationException($"{Spec}: a multi-level head has no vector before its hidden layer");

    /// <summary>Pre-sigmoid scores, [batch, tags]; train with a logits loss for numerical stability.</summary>
    public Tensor Logits(Tensor waveform)
    {
        using var scope = NewDisposeScope();
        var outputs = LayerOutputs(waveform);
        return head.forward(outputs.Skip(1).ToList()).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor waveform)
    {
        using var logits = Logits(waveform);
        return logits.sigmoid();
    }

    /// <summary>
    /// The eval-mode network as an ONNX model (input <see cref="OnnxGraph.Input"/> [batch, 1, samples], outputs
    /// <see cref="OnnxGraph.Output"/>, the sigmoids [batch, tags], and <see cref="OnnxGraph.Embedding"/>, the
    /// <see cref="Penultimate"/> vector [batch, 512]), weights named as in the state_dict. The mel front
    /// end is not written (its STFT).
    /// </summary>
    /// <param name="ranges">Calibrated activation ranges (<see cref="ActivationRanges"/>): the graph in static int8; give them with the BatchNorms folded.</param>
    internal Onnx.ModelProto ToOnnx(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, (float Min, float Max)>? ranges = null)
    {
        if (frontEnd is not IOnnxNodes front)
            throw new NotSupportedException($"{Spec}: the mel front end (an STFT) is not written to ONNX; waveform models are");
        var graph = new OnnxGraph(ranges);
        // In int8 the waveform stays fp32 (layer 1 is a tiny share of the work, and 256 levels of audio cost ROC-AUC:
        // bench/RESULTS.md); layer 1's output on are quantized.
        var outputs = new List<string> { front.AddTo(graph, nameof(frontEnd), graph.Waveform) };
        for (int i = 0; i < blocks.Count; i++) outputs.Add(((IOnnxNodes)blocks[i]).AddTo(graph, $"{nameof(blocks)}.{i}", outputs[^1]));
        var (penultimate, logits) = ((ITaggingHead)head).AddTo(graph, nameof(head), outputs.Skip(1).ToList());
        return graph.Model(Spec.InputSamples, logits, penultimate, Tags, metadata);
    }

    /// <summary>
    /// The range of layer 1's and every module's output over <paramref name="batches"/> (eval mode), named as
    /// <see cref="ToOnnx"/> quantizes them: the calibration of its int8 graph. The top of a range is the largest over
    /// the batches of their <see cref="CalibrationPercentile"/> percentile, not the maximum, so that a few outliers do
    /// not coarsen the 8-bit steps for every other value (measured in bench/RESULTS.md).
    /// </summary>
    internal Dictionary<string, (float Min, float Max)> ActivationRanges(IEnumerable<Tensor> batches)
    {
        var ranges = new Dictionary<string, (float Min, float Max)>();
        void Widen(string key, Tensor t)
        {
            using var flat = t.flatten();
            var beyond = (int)Math.Max(1, Math.Ceiling(flat.numel() * (1 - CalibrationPercentile)));
            var (min, max) = (flat.min().item<float>(), flat.topk(beyond).values.min().item<float>());
            ranges[key] = ranges.TryGetValue(key, out var r) ? (Math.Min(r.Min, min), Math.Max(r.Max, max)) : (min, max);
        }
        using var inference = inference_mode();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var outputs = LayerOutputs(batch);
            Widen(nameof(frontEnd), outputs[0]);
            for (int i = 0; i < blocks.Count; i++) Widen($"{nameof(blocks)}.{i}", outputs[i + 1]);
        }
        return ranges;
    }

    public const double CalibrationPercentile = 0.9999;

    /// <summary>The layer table, computed from the modules themselves.</summary>
    public IReadOnlyList<LayerRow> LayerTable()
    {
        var rows = new List<LayerRow>();
        rows.AddRange(((ILayerRows)frontEnd).Rows("layer 1", Spec.InputSamples));
        for (int i = 0; i < blocks.Count; i++)
            rows.AddRange(((ILayerRows)blocks[i]).Rows($"module {i + 1}", rows[^1].Length));
        rows.AddRange(((ILayerRows)head).Rows("head", rows[^1].Length));
        return rows;
    }
}
