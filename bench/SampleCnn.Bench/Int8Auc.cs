using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// `int8-auc`: a trained model's clip macro ROC-AUC on a store's test split (every segment, clip = mean, as evaluate's
/// paper protocol) from libtorch fp32, ONNX Runtime fp32 and the static int8 graph calibrated on the store's training
/// split (`export --onnx --int8 --calibrate STORE`), with the largest clip-score difference from fp32.
/// </summary>
static class Int8Auc
{
    public static string Run(string model, string storeFolder, int threads)
    {
        using var store = SegmentStore.Open(storeFolder);
        int length = 0;
        ClipPredictions Predict(Func<TrainedModel, Func<ClipSegments, Tensor>> logitsOf)
        {
            using var opened = TrainedModel.OpenCnn(model, new ModelOpenOptions(), CPU, "measured");
            if (!opened.Tags.SequenceEqual(store.Vocabulary.Tags)) throw new InvalidDataException("the model's tags are not the store's, in order");
            length = (int)opened.Cnn!.Spec.InputSamples;
            var loader = new BatchLoader(store, Split.Test, new Audio.Signal.SegmentPlan(length, null, length));
            return ClipPredictions.Compute(loader.ClipByClip(), logitsOf(opened), opened.Tags.Count, CPU);
        }
        Func<ClipSegments, Tensor> Onnx(TrainedModel opened, bool int8)
        {
            var network = new OnnxRuntimeNetwork(opened.Cnn!, threads, int8 ? Int8Calibration.Ranges(opened.Cnn!, storeFolder) : null);
            return clip => network.forward(clip.ToTensor()).logit();
        }
        var torch = Predict(opened => { opened.Cnn!.eval(); return clip => { using var _ = inference_mode(); return opened.Cnn!.Logits(clip.ToTensor()); }; });
        var fp32 = Predict(opened => Onnx(opened, int8: false));
        var int8 = Predict(opened => Onnx(opened, int8: true));
        var lines = new List<string> { $"{model} on the test split of {storeFolder}: {torch.Clips.Count} clips, every segment of {length} samples, clip = mean" };
        foreach (var (label, p) in new[] { ("libtorch fp32", torch), ("ONNX Runtime fp32", fp32), ($"ONNX Runtime int8 (calibrated on {Int8Calibration.Segments} training segments)", int8) })
        {
            var auc = p.ClipMetrics(store.Vocabulary).MacroRocAuc;
            var difference = torch.ClipScores.Zip(p.ClipScores, (a, b) => Math.Abs(a - b)).ToArray();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {label} | {auc:F4} | {auc - torch.ClipMetrics(store.Vocabulary).MacroRocAuc:+0.0000;-0.0000;0} | {difference.Max():E2} | {difference.Average():E2} |"));
        }
        return string.Join('\n', lines);
    }
}
