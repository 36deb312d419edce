using System.Globalization;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Runs;
using SampleCnn.Synthesis;
using SampleCnn.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// `int8-auc`: a trained model's clip macro ROC-AUC on a store's test split (every segment, clip = mean, as evaluate's
/// paper protocol) from libtorch fp32, libtorch bf16 (folded, as `tag --precision bf16`), ONNX Runtime fp32 and the
/// static int8 graph calibrated on the store's training split (`export --onnx --int8 --calibrate STORE`), with the
/// largest clip-score difference from fp32. Without a model and store it makes both (<see cref="Make"/>).
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
        Func<ClipSegments, Tensor> Torch(TrainedModel opened, bool bf16)
        {
            var cnn = opened.Cnn!;
            cnn.eval();
            if (bf16)
            {
                cnn.FoldBatchNorm();
                cnn.to(ScalarType.BFloat16);
            }
            return clip =>
            {
                using var _ = inference_mode();
                var x = clip.ToTensor();
                return cnn.Logits(bf16 ? x.to(ScalarType.BFloat16) : x).to(ScalarType.Float32);
            };
        }
        var torch = Predict(opened => Torch(opened, bf16: false));
        var bf16 = Predict(opened => Torch(opened, bf16: true));
        var fp32 = Predict(opened => Onnx(opened, int8: false));
        var int8 = Predict(opened => Onnx(opened, int8: true));
        var reference = torch.ClipMetrics(store.Vocabulary).MacroRocAuc;
        var lines = new List<string>
        {
            $"{model} on the test split of {storeFolder}: {torch.Clips.Count} clips, every segment of {length} samples, clip = mean",
            "",
            "| precision | macro ROC-AUC | change vs libtorch fp32 | max clip-score difference | mean |",
            "|---|---:|---:|---:|---:|",
        };
        foreach (var (label, p) in new[] { ("libtorch fp32", torch), ("libtorch bf16 (folded)", bf16), ("ONNX Runtime fp32", fp32),
                     ($"ONNX Runtime int8 (calibrated on {Int8Calibration.Segments} training segments)", int8) })
        {
            var auc = p.ClipMetrics(store.Vocabulary).MacroRocAuc;
            var difference = torch.ClipScores.Zip(p.ClipScores, (a, b) => Math.Abs(a - b)).ToArray();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {label} | {auc:F4} | {auc - reference:+0.0000;-0.0000;0} | {difference.Max():E2} | {difference.Average():E2} |"));
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The evaluation from nothing, every step seeded so that a clean clone gets the same numbers: <paramref name="clips"/>
    /// synthetic 4-s clips (the demo's music, <see cref="SyntheticDataset"/>; a tenth of them the test split), prepared
    /// as `prepare csv` does, and the demo's 3^7 trained on them for <paramref name="epochs"/> epochs (no time budget,
    /// so the model does not depend on the machine's speed). Each step is skipped when its output is there.
    /// </summary>
    /// <returns>The run folder and the store.</returns>
    public static (string Run, string Store) Make(string folder, int clips, int epochs, int seed, TextWriter log)
    {
        var store = SyntheticStore.Make(folder, clips, seconds: 4, seed, log);
        var run = new RunFolder(Path.Combine(folder, "run"));
        log.WriteLine($"int8-auc: training 3^7 for {epochs} epochs into {run.Path} (resumes where it stopped)");
        using (var opened = SegmentStore.Open(store))
            Trainer.Run(opened, run, new TrainingOptions { Model = "3^7", Seed = seed, MaxEpochs = epochs }, CPU, resume: run.WasStarted);
        return (run.Path, store);
    }
}
