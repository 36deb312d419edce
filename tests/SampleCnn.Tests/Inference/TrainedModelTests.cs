using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using static SampleCnn.Tests.Cli.CliRunner;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Inference;

/// <summary>One opener for every kind of model file, saying what it opened; TorchScript refused where our network is needed.</summary>
public sealed class TrainedModelTests : IDisposable
{
    private readonly Fixtures.Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    static string TorchScript => Path.Combine(AppContext.BaseDirectory, "Fixtures", "TorchScript", "tiny-729.pt");

    string TagsFile(params string[] tags) => scratch.Write("tags.txt", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', tags) + "\n"));

    static float[] Scores(nn.IModule<Tensor, Tensor> network, long samples)
    {
        manual_seed(3);
        using var input = randn(2, 1, samples) * 0.3;
        using var _ = inference_mode();
        using var output = network.call(input);
        return output.data<float>().ToArray();
    }

    [Fact]
    public void ARunFolderOpensItsBestCheckpointByDefaultAndItsLastWhenAsked()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        using (model)
        {
            var run = new RunFolder(scratch.Folder);
            File.Move(checkpoint, run.Best);
            Checkpoint.Save(run.Last, new TrainingState("3^4", ["a", "b", "c", "d"], 0.5, 3, 0, 0.5, 0, null), model, optim.SGD(model.parameters(), 0.01));

            using var best = TrainedModel.Open(scratch.Folder, new ModelOpenOptions(), CPU);
            Assert.Equal(new ModelInfo(ModelKind.Checkpoint, run.Best, "3^4", 4, 243, 1, 22050), best.Info);
            Assert.Equal($"{run.Best}: SampleCnn checkpoint, 3^4, 4 tags, 22050 Hz, epoch 1", best.Info.Description);
            Assert.Equal(["a", "b", "c", "d"], best.Tags);
            Assert.Same(best.Cnn, best.Network);
            Assert.Equal(Scores(model, 243), Scores(best.Network, 243));

            using var last = TrainedModel.Open(scratch.Folder, new ModelOpenOptions(Checkpoint: "last"), CPU);
            Assert.Equal((run.Last, 3), (last.Info.Path, last.Info.Epoch));

            using var file = TrainedModel.Open(run.Last, new ModelOpenOptions(), CPU); // a checkpoint named directly
            Assert.Equal(run.Last, file.Info.Path);
        }
    }

    [Fact]
    public void AStateDictOpensWithItsSpecAndTagsAndTheSameScores()
    {
        manual_seed(4);
        using var source = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        source.eval();
        var pth = Path.Combine(scratch.Folder, "weights.pth");
        StateDict.Save(source, pth);
        var tags = TagsFile("bright", "dark", "loud");

        using var opened = TrainedModel.Open(pth, new ModelOpenOptions(Spec: "3^4", TagsFile: tags), CPU);
        Assert.Equal(new ModelInfo(ModelKind.StateDict, pth, "3^4", 3, 243, null, 22050, WeightsLayout.SampleCnn), opened.Info);
        Assert.Equal($"{pth}: PyTorch state_dict, 3^4, 3 tags, 22050 Hz", opened.Info.Description);
        Assert.Equal(["bright", "dark", "loud"], opened.Tags);
        Assert.Equal(Scores(source, 243), Scores(opened.Network, 243));

        var bare = Assert.Throws<ArgumentException>(() => TrainedModel.Open(pth, new ModelOpenOptions(TagsFile: tags), CPU));
        Assert.Equal($"{pth}: a SampleCnn state_dict carries no model spec; give its model spec", bare.Message);
        var untagged = Assert.Throws<ArgumentException>(() => TrainedModel.Open(pth, new ModelOpenOptions(Spec: "3^4"), CPU));
        Assert.Equal($"{pth}: samplecnn weights with 3 outputs carry no tags; give a tags file", untagged.Message);
    }

    [Fact]
    public void AStateDictThatDoesNotFitTheSpecOrTagsIsRefusedNamingTheFirstMismatch()
    {
        using var source = new TaggingCnn(ModelSpec.Parse("3^4"), 3);
        var pth = Path.Combine(scratch.Folder, "weights.pth");
        StateDict.Save(source, pth);

        var fourTags = TagsFile("a", "b", "c", "d");
        var head = Assert.Throws<InvalidDataException>(() => TrainedModel.Open(pth, new ModelOpenOptions(Spec: "3^4", TagsFile: fourTags), CPU));
        Assert.Equal($"{fourTags}: 4 tags for the 3 outputs of {pth}", head.Message);
        var spec = Assert.Throws<InvalidDataException>(() => TrainedModel.Open(pth, new ModelOpenOptions(Spec: "se:3^4", TagsFile: TagsFile("a", "b", "c")), CPU));
        Assert.Matches(@": blocks\.0\.se\.\S+ of se:3\^4 is missing from the file$", spec.Message);
    }

    [Fact]
    public void TorchScriptOpensWithItsTagsAndLengthAndIsRefusedWhereOurNetworkIsNeeded()
    {
        var tags = TagsFile("bright", "dark", "loud");
        using (var opened = TrainedModel.Open(TorchScript, new ModelOpenOptions(TagsFile: tags, SegmentSamples: 729), CPU))
        {
            Assert.Equal(new ModelInfo(ModelKind.TorchScript, TorchScript, "TorchScript", 3, 729, null, 22050), opened.Info);
            Assert.Equal($"{TorchScript}: TorchScript, 3 tags, 729-sample segments at 22050 Hz", opened.Info.Description);
            Assert.Null(opened.Cnn);
            Assert.Equal(6, Scores(opened.Network, 729).Length);
        }
        using (var at16k = TrainedModel.Open(TorchScript, new ModelOpenOptions(TagsFile: tags, SegmentSamples: 729, SampleRate: 16000), CPU))
            Assert.Equal($"{TorchScript}: TorchScript, 3 tags, 729-sample segments at 16000 Hz", at16k.Info.Description);
        var rate = Assert.Throws<OptionException>(() => TrainedModel.Open(TorchScript, new ModelOpenOptions(TagsFile: tags, SegmentSamples: 729, SampleRate: 0), CPU));
        Assert.Equal(nameof(ModelOpenOptions.SampleRate), rate.Option);
        var bare = Assert.Throws<OptionException>(() => TrainedModel.Open(TorchScript, new ModelOpenOptions(TagsFile: tags), CPU));
        Assert.Equal((nameof(ModelOpenOptions.SegmentSamples), $"segment length in samples: {TorchScript} is TorchScript, which does not say its input length: give it (more than 0)"), (bare.Option, bare.Message));

        var refused = Assert.Throws<ArgumentException>(() => TrainedModel.OpenCnn(TorchScript, new ModelOpenOptions(TagsFile: tags, SegmentSamples: 729), CPU, "visualized"));
        Assert.Equal($"{TorchScript}: a TorchScript model cannot be visualized; give a run folder, a SampleCnn checkpoint or a PyTorch state_dict", refused.Message);
    }

    [Fact]
    public void VisualizeEvaluateAndExportRefuseTorchScriptInOneLineNamingTheFile()
    {
        var (code, _, error) = Run("visualize", "--model", TorchScript, "--out", Path.Combine(scratch.Folder, "pictures"));
        Assert.Equal((2, $"samplecnn: {TorchScript}: a TorchScript model cannot be visualized; give a run folder, a SampleCnn checkpoint or a PyTorch state_dict"), (code, error.TrimEnd()));
        (code, _, error) = Run("evaluate", "--run", scratch.Folder, "--checkpoint", TorchScript, "--store", scratch.Folder);
        Assert.Equal((2, $"samplecnn: {TorchScript}: a TorchScript model cannot be evaluated; give a run folder, a SampleCnn checkpoint or a PyTorch state_dict"), (code, error.TrimEnd()));
        (code, _, error) = Run("export", "--model", TorchScript, "--pytorch", Path.Combine(scratch.Folder, "out.pth"));
        Assert.Equal(2, code);
        Assert.Contains("a TorchScript model cannot be exported", error);
    }

    [Fact]
    public void ExportWritesAStateDictThatOpensWithTheSameScores()
    {
        var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        using (model)
        {
            var pth = Path.Combine(scratch.Folder, "tiny.pth");
            var exported = ModelExport.ToPyTorch(checkpoint, new ModelOpenOptions(), pth);
            Assert.Equal(new ModelInfo(ModelKind.Checkpoint, checkpoint, "3^4", 4, 243, 1, 22050), exported);
            using var reopened = TrainedModel.Open(pth, new ModelOpenOptions(Spec: "3^4", TagsFile: TagsFile("a", "b", "c", "d")), CPU);
            Assert.Equal(Scores(model, 243), Scores(reopened.Network, 243));
        }
    }

    [Fact]
    public void EveryVerbThatTakesAModelTakesAStateDictWithItsSpecAndTags()
    {
        manual_seed(5);
        using (var source = new TaggingCnn(ModelSpec.Parse("3^4"), 2)) StateDict.Save(source, Path.Combine(scratch.Folder, "w.pth"));
        var pth = Path.Combine(scratch.Folder, "w.pth");
        var tags = TagsFile("bright", "dark");
        var pictures = Path.Combine(scratch.Folder, "pictures");

        var (code, output, error) = Run("visualize", "--model", pth, "--spec", "3^4", "--tags", tags, "--layers", "1", "--steps", "2", "--out", pictures);
        Assert.True(code == 0, error);
        Assert.Contains("layer 1:", output);
        Assert.True(File.Exists(Path.Combine(pictures, "layer1-spectra.png")));

        var (bareCode, _, bareError) = Run("visualize", "--model", pth, "--tags", tags, "--layers", "1", "--out", pictures);
        Assert.NotEqual(0, bareCode);
        Assert.Contains("give its model spec", bareError);
    }
}
