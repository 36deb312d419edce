using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Inference;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Evaluation;

/// <summary>Scores a checkpoint on a split of a store the way the paper reports it (or Won et al. 2020), and more.</summary>
public static class Evaluator
{
    /// <summary>The paper's clip score: the mean of its segments' scores.</summary>
    public const ClipAggregation DefaultAggregation = ClipAggregation.Mean;

    /// <summary>The paper's segments: consecutive from the clip's start.</summary>
    public const EvaluationProtocol DefaultProtocol = EvaluationProtocol.Paper;

    /// <summary>Segments per clip under Won et al. 2020's protocol.</summary>
    public const int Won2020Segments = 16;

    /// <param name="modelTags">The tags the model was trained on; they must be the store's (in any order, spelled alike: see <see cref="TagAlignment"/>).</param>
    /// <param name="source">Where the model came from (a checkpoint path), for the report.</param>
    /// <param name="protocol">Which segments are scored; Won et al.'s sets them itself, so it takes no segment count, hop or max aggregation.</param>
    /// <param name="segmentsPerClip">Segments per clip; null (the default): every whole segment, as the authors' code.</param>
    /// <param name="engine">What runs the network: libtorch, or the Winograd engine (its logits within ~1e-6 of libtorch's folded network's).</param>
    public static EvaluationReport Evaluate(TaggingCnn model, IReadOnlyList<string> modelTags, string source, int epoch,
        SegmentStore store, Split split, torch.Device device, EvaluationProtocol protocol = DefaultProtocol,
        ClipAggregation aggregation = DefaultAggregation, int? segmentsPerClip = null, int? hop = null,
        int resamples = Bootstrap.DefaultResamples, int seed = Seeds.Default, TaggerEngine engine = TaggerEngine.Torch, CancellationToken cancel = default)
    {
        // "Engine" is RunEvaluationOptions.Engine, the option that chose it.
        if (engine == TaggerEngine.Onnx) throw new OptionException("Engine", "engine", "onnx", "gives sigmoid scores, not the logits the loss needs: evaluation runs on torch or winograd");
        if (engine == TaggerEngine.Winograd && device.type != DeviceType.CPU)
            throw new OptionException("Engine", "engine", "winograd", $"runs on the CPU, not {device.type}: use the torch engine there");
        using var winograd = engine == TaggerEngine.Winograd ? new WinogradNetwork(model, torch.get_num_threads()) { Logits = true } : null;
        var alignment = TagAlignment.Between(store.Vocabulary, modelTags, store.Folder);
        store.RequireSampleRate(model.Spec);
        var length = (int)model.Spec.InputSamples;
        var plan = Plan(protocol, length, aggregation, segmentsPerClip, hop);
        var loader = new BatchLoader(store, split, plan);
        if (loader.ClipCount == 0) throw new InvalidDataException($"{store.Folder}: the {split.Name()} split has no clips");
        var outputOf = alignment.IsIdentity ? null : alignment.OutputOf;
        ClipPredictions Predictions(BatchLoader clips) => winograd is null ? ClipPredictions.Compute(model, clips, device, aggregation, outputOf, cancel)
            : ClipPredictions.Compute(clips.ClipByClip(), clip => winograd.forward(clip.ToTensor(device)), model.Tags, device, aggregation, outputOf, cancel);
        var predictions = Predictions(loader);
        var clip = predictions.ClipMetrics(store.Vocabulary);
        var segment = predictions.SegmentMetrics(store.Vocabulary);
        var (low, high) = Bootstrap.MacroRocAucInterval(store.Vocabulary.Tags, predictions.ClipScores, predictions.ClipTargets, resamples, seed);
        // Thresholds are tuned on the validation clips scored the same way (an empty split leaves every tag untuned).
        var tuning = split == Split.Valid ? predictions
            : Predictions(new BatchLoader(store, Split.Valid, plan));
        var thresholds = F1Thresholds.Tune(store.Vocabulary.Tags, tuning.ClipScores, tuning.ClipTargets);
        var (decided, macroF1, microF1) = F1Thresholds.Decide(clip.Tags, predictions.ClipScores, predictions.ClipTargets, thresholds);
        var storeFolder = Path.GetFullPath(store.Folder);
        var protocolName = protocol.ToString().ToLowerInvariant();
        var aggregationName = aggregation.ToString().ToLowerInvariant();
        // Kept in the model's terms: its tag names in its output order, for whoever opens the model to decide with.
        var kept = new TagThresholds(model.Spec.ToString(), source, epoch, storeFolder, Split.Valid.Name(), protocolName, aggregationName, plan.Count ?? 0,
            tuning.Clips.Count, modelTags.Select((tag, output) => thresholds[Array.IndexOf(alignment.OutputOf, (long)output)] with { Tag = tag }).ToList());
        return new EvaluationReport(model.Spec.ToString(), source, epoch, storeFolder, split.Name(), protocol,
            aggregationName, loader.ClipCount, plan.Count ?? 0,
            clip.MacroRocAuc, clip.MacroAveragePrecision, low, high, resamples, seed,
            segment.MacroRocAuc, segment.MacroAveragePrecision, predictions.Loss, decided, clip.Undefined.Select(t => t.Tag).ToList(),
            alignment.BySpelling) { ThresholdsSplit = Split.Valid.Name(), MacroF1 = macroF1, MicroF1 = microF1, Thresholds = kept };
    }

    static SegmentPlan Plan(EvaluationProtocol protocol, int length, ClipAggregation aggregation, int? segmentsPerClip, int? hop)
    {
        if (protocol == EvaluationProtocol.Paper) return new SegmentPlan(length, segmentsPerClip, hop ?? length);
        if (segmentsPerClip is not null || hop is not null || aggregation != ClipAggregation.Mean)
            throw new OptionException(nameof(protocol), "evaluation protocol", protocol.ToString().ToLowerInvariant(),
                $"it sets the segments itself ({Won2020Segments} evenly spaced over each clip, scored by their mean): give no segments per clip, hop or other aggregation with it");
        return SegmentPlan.Spread(length, Won2020Segments);
    }
}
