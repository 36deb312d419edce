using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Inference;
using SampleCnn.Tests.Training;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Evaluation;

/// <summary>Won et al. 2020's protocol (16 evenly spaced segments) and models whose tags are the store's in another order or spelling.</summary>
public sealed class ProtocolTests : IDisposable
{
    static readonly string[] MtatSpellings = ["no vocals", "new age", "male vocal"];

    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void Won2020ChunkStartsAreEvenHopsOverTheClip()
    {
        var plan = SegmentPlan.Spread(59049, 16);
        // (640,512 - 59,049) // 16 = 36,341
        Assert.Equal(16, plan.SegmentsIn(640_512));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => i * 36_341L), Enumerable.Range(0, 16).Select(i => plan.Start(i, 640_512)));
        Assert.Equal(15 * 36_341L + 59049, plan.Start(15, 640_512) + plan.Length);
        // A 4-minute track at 16 kHz: (3,840,000 - 59,049) // 16 = 236,309
        Assert.Equal(15 * 236_309L, plan.Start(15, 3_840_000));
        // Exactly one input long, or less than 16 samples more: every chunk is the same, at 0; 16 more: hop 1.
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(0L, plan.Start(i, 59049 + 15)));
        Assert.Equal(16, plan.SegmentsIn(59049));
        Assert.Equal(15L, plan.Start(15, 59049 + 16));
        // Shorter than one input: one chunk at 0, padded with silence (as the paper's plan pads); empty: none.
        Assert.Equal(1, plan.SegmentsIn(1000));
        Assert.Equal(0L, plan.Start(0, 1000));
        Assert.Equal(0, plan.SegmentsIn(0));
        Assert.Equal(long.MaxValue, plan.SamplesNeeded);
        Assert.Throws<ArgumentException>(() => Segmenter.Cut(new Waveform(new float[70_000], 16000), plan).ToList());
    }

    /// <summary>`evaluate --engine winograd`: the same report as libtorch's, within float rounding, under both protocols.</summary>
    [Avx512Fact]
    public void TheWinogradEngineEvaluatesAsLibtorch()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder, clips: 24));
        EvaluationReport Report(TaggerEngine engine, EvaluationProtocol protocol)
        {
            manual_seed(5);
            using var model = new TaggingCnn(ModelSpec.Parse("3^4"), store.Vocabulary.Count);
            model.train();
            using (no_grad()) model.forward(randn(6, 1, 243) * 0.3).Dispose(); // running statistics that folding must carry
            return Evaluator.Evaluate(model, store.Vocabulary.Tags.ToArray(), "test", 0, store, Split.Test, CPU, protocol, resamples: 20, engine: engine);
        }
        foreach (var protocol in Enum.GetValues<EvaluationProtocol>())
        {
            var (torch, winograd) = (Report(TaggerEngine.Torch, protocol), Report(TaggerEngine.Winograd, protocol));
            Assert.Equal(torch.MacroRocAuc, winograd.MacroRocAuc, 6);
            Assert.Equal(torch.MacroPrAuc, winograd.MacroPrAuc, 6);
            Assert.Equal(torch.SegmentMacroRocAuc, winograd.SegmentMacroRocAuc, 6);
            Assert.Equal(torch.Loss, winograd.Loss, 5);
            Assert.Equal(torch.Tags.Select(t => t.RocAuc), winograd.Tags.Select(t => t.RocAuc), (a, b) => Math.Abs(a - b) < 1e-6 || double.IsNaN(a) && double.IsNaN(b));
        }
        var onnx = Assert.ThrowsAny<ArgumentException>(() => Report(TaggerEngine.Onnx, EvaluationProtocol.Paper));
        Assert.Equal("engine onnx: gives sigmoid scores, not the logits the loss needs: evaluation runs on torch or winograd", onnx.Message);
    }

    [Fact]
    public void Won2020ScoresTheMeanOfSixteenEvenlySpacedChunksAndSaysSo()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder, clips: 24));
        manual_seed(5);
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), store.Vocabulary.Count);
        model.eval();
        var expected = new List<float>();
        var targets = new List<float>();
        using (no_grad())
            foreach (var clip in store.ClipsOf(Split.Test))
            {
                long hop = (clip.Length - 243) / 16;   // 5512-sample clips: 329
                Assert.Equal(329, hop);
                var sum = new double[model.Tags];
                for (int i = 0; i < 16; i++)
                {
                    var input = new float[243];
                    store.Read(clip, i * hop, input);
                    using var x = tensor(input, [1, 1, 243]);
                    using var scores = model.forward(x);
                    var values = scores.data<float>().ToArray();
                    for (int t = 0; t < values.Length; t++) sum[t] += values[t];
                }
                expected.AddRange(sum.Select(v => (float)(v / 16)));
                targets.AddRange(Enumerable.Range(0, model.Tags).Select(t => clip.Tags.Contains(t) ? 1f : 0f));
            }

        var report = Evaluator.Evaluate(model, store.Vocabulary.Tags.ToArray(), "test", 0, store, Split.Test, CPU, EvaluationProtocol.Won2020, resamples: 0);
        var metrics = TagMetrics.Compute(store.Vocabulary.Tags, expected.ToArray(), targets.ToArray());
        Assert.Equal(metrics.MacroRocAuc, report.MacroRocAuc, 6);
        Assert.Equal(metrics.MacroAveragePrecision, report.MacroPrAuc, 6);
        Assert.Equal((EvaluationProtocol.Won2020, 16), (report.Protocol, report.SegmentsPerClip));
        Assert.Contains("\"protocol\": \"won2020\"", report.ToJson());

        var paper = Evaluator.Evaluate(model, store.Vocabulary.Tags.ToArray(), "test", 0, store, Split.Test, CPU, resamples: 0);
        Assert.Equal(EvaluationProtocol.Paper, paper.Protocol);
        Assert.Contains("\"protocol\": \"paper\"", paper.ToJson());

        // A report kept before protocols and spellings were recorded reads as the paper's, with no pairs.
        var old = System.Text.Json.Nodes.JsonNode.Parse(report.ToJson())!.AsObject();
        old.Remove("protocol");
        old.Remove("tags_matched_by_spelling");
        var kept = Path.Combine(scratch.Folder, "old.json");
        File.WriteAllText(kept, old.ToJsonString());
        var read = EvaluationReport.Read(kept);
        Assert.Equal((EvaluationProtocol.Paper, 0), (read.Protocol, read.TagsMatchedBySpelling.Count));
        Assert.Equal(report.MacroRocAuc, read.MacroRocAuc);
    }

    [Fact]
    public void Won2020SetsItsOwnSegments()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder, clips: 12));
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), store.Vocabulary.Count);
        var tags = store.Vocabulary.Tags.ToArray();
        foreach (var call in new Action[]
                 {
                     () => Evaluator.Evaluate(model, tags, "m", 0, store, Split.Test, CPU, EvaluationProtocol.Won2020, segmentsPerClip: 4, resamples: 0),
                     () => Evaluator.Evaluate(model, tags, "m", 0, store, Split.Test, CPU, EvaluationProtocol.Won2020, hop: 100, resamples: 0),
                     () => Evaluator.Evaluate(model, tags, "m", 0, store, Split.Test, CPU, EvaluationProtocol.Won2020, ClipAggregation.Max, resamples: 0),
                 })
        {
            var e = Assert.Throws<OptionException>(call);
            Assert.Equal("protocol", e.Option);
            Assert.StartsWith("evaluation protocol won2020: it sets the segments itself", e.Message);
        }
    }

    [Fact]
    public void APermutedRespelledTagListScoresAsTheStoresOwnOrder()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder, clips: 24, tags: MtatSpellings));
        manual_seed(7);
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        var own = Evaluator.Evaluate(model, MtatSpellings, "m", 0, store, Split.Test, CPU, resamples: 0);
        Assert.Empty(own.TagsMatchedBySpelling);

        // The same network with its outputs in another order, named as Won et al.'s MTAT list names them.
        long[] order = [2, 0, 1];
        using var permuted = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        permuted.load_state_dict(model.state_dict());
        using (no_grad())
            foreach (var (name, p) in permuted.named_parameters().Where(p => p.name.EndsWith("dense.weight") || p.name.EndsWith("dense.bias")))
                p.copy_(p.index_select(0, tensor(order)));
        string[] wonTags = ["maleVocal", "NoVocals", "new-age"]; // outputs 0, 1, 2 = store tags 2, 0, 1
        var matched = Evaluator.Evaluate(permuted, wonTags, "m", 0, store, Split.Test, CPU, resamples: 0);

        Assert.Equal(own.MacroRocAuc, matched.MacroRocAuc, 6);
        Assert.Equal(own.MacroPrAuc, matched.MacroPrAuc, 6);
        Assert.Equal(own.Tags.Select(t => (t.Tag, Math.Round(t.RocAuc, 6))), matched.Tags.Select(t => (t.Tag, Math.Round(t.RocAuc, 6))));
        Assert.Equal([new TagSpelling("maleVocal", "male vocal"), new TagSpelling("NoVocals", "no vocals"), new TagSpelling("new-age", "new age")],
            matched.TagsMatchedBySpelling);
        Assert.Contains("\"tags_matched_by_spelling\"", matched.ToJson());
        // Thresholds: the same per store tag, kept under the model's names in its output order.
        Assert.Equal(own.Tags.Select(t => (t.Tag, Math.Round((double)t.Threshold, 5))), matched.Tags.Select(t => (t.Tag, Math.Round((double)t.Threshold, 5))));
        Assert.Equal(wonTags, matched.Thresholds!.Tags.Select(t => t.Tag));
        var storeTag = matched.TagsMatchedBySpelling.ToDictionary(m => m.Model, m => m.Store);
        Assert.All(matched.Thresholds.Tags, t => Assert.Equal(matched.Tags.Single(s => s.Tag == storeTag[t.Tag]).Threshold, t.Threshold));
    }

    [Fact]
    public void ATagListThatDiffersInARealTagIsRefusedNamingIt()
    {
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder, clips: 12, tags: MtatSpellings));
        using var model = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        var e = Assert.Throws<InvalidDataException>(() => Evaluator.Evaluate(model, ["maleVocal", "noVocals", "jazz"], "m", 0, store, Split.Test, CPU, resamples: 0));
        Assert.Contains("differ from the model's: the model's 'jazz' is none of them", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Evaluator.Evaluate(model, ["maleVocal", "male vocal", "noVocals"], "m", 0, store, Split.Test, CPU, resamples: 0));
        Assert.Contains("'male vocal' and another of its tags both name the store's 'male vocal'", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Evaluator.Evaluate(model, ["maleVocal", "noVocals"], "m", 0, store, Split.Test, CPU, resamples: 0));
        Assert.Contains("differ from the model's", e.Message);
    }
}
