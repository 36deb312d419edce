using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Inference;

/// <summary>
/// A trained model opened for inference from a path: a run folder (its best checkpoint by default), a SampleCnn
/// checkpoint, a PyTorch state_dict of any layout <see cref="StateDict"/> recognises (ours with its spec given; a
/// tags file, or a published checkpoint's own list) or TorchScript (with its tags and segment length given). The
/// kind follows the path: a folder is a run, .pt/.ts/.torchscript is TorchScript, .pth/.bin or a file PyTorch
/// saved (a Lightning .ckpt) is a state_dict, anything else a checkpoint. The network is in eval mode on the device
/// it was opened on. The sample rate the model reads audio at is its spec's (a checkpoint records the spec; a published
/// layout's spec names its rate; ours is given), or, for TorchScript, the one given.
/// </summary>
internal sealed class TrainedModel : IDisposable
{
    TrainedModel(ModelInfo info, IReadOnlyList<string> tags, nn.IModule<Tensor, Tensor> network, TaggingCnn? cnn)
    {
        Info = info;
        Tags = tags;
        Network = network;
        Cnn = cnn;
    }

    public ModelInfo Info { get; }

    /// <summary>The tags in the order of the network's outputs.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Maps [batch, 1, <see cref="ModelInfo.SegmentSamples"/>] waveforms to [batch, tags] sigmoid scores.</summary>
    public nn.IModule<Tensor, Tensor> Network { get; }

    /// <summary>The network as one of ours, or null for TorchScript (never null from <see cref="OpenCnn"/>).</summary>
    public TaggingCnn? Cnn { get; }

    /// <summary>The file the model's tuned thresholds are read from: the one given, else where `evaluate` keeps them.</summary>
    public string ThresholdsFile { get; private set; } = "";

    /// <summary>
    /// The per-tag thresholds `evaluate` tuned for this model (read on first use); null when none are kept and no file was
    /// given. Refused when they are not this model's: other tags, or another epoch of the checkpoint (it was trained on since).
    /// </summary>
    public TagThresholds? Thresholds => thresholds.Value;

    Lazy<TagThresholds?> thresholds = new((TagThresholds?)null);

    public static TrainedModel Open(string path, ModelOpenOptions options, Device device)
    {
        var model = OpenFile(RunFolder.ResolveCheckpoint(path, options.Checkpoint), options, device);
        model.ThresholdsFile = options.ThresholdsFile ?? RunFolder.ThresholdsOf(path, options.Checkpoint);
        model.thresholds = new(() => model.ReadThresholds(given: options.ThresholdsFile is not null));
        return model;
    }

    static TrainedModel OpenFile(string file, ModelOpenOptions options, Device device)
    {
        if (TorchScriptModel.IsTorchScriptPath(file)) return OpenTorchScript(file, options, device);
        if (StateDict.IsStateDictPath(file)) return OpenStateDict(file, options, device);
        var (model, state) = Checkpoint.LoadModel(file, device);
        return Ours(ModelKind.Checkpoint, file, model, state.Tags, state.Epoch);
    }

    TagThresholds? ReadThresholds(bool given)
    {
        if (!given && !File.Exists(ThresholdsFile)) return null;
        var read = TagThresholds.Read(ThresholdsFile);
        read.For(Tags, ThresholdsFile);
        if (Info.Epoch is { } epoch && read.Epoch != epoch)
            throw new InvalidDataException($"{ThresholdsFile}: tuned for epoch {read.Epoch} of {read.Checkpoint}, but {Info.Path} is epoch {epoch}; evaluate it again to tune them");
        return read;
    }

    /// <summary>Opens a model of ours (its <see cref="Cnn"/> set) for a use TorchScript cannot serve, its layers and weights being opaque; refuses TorchScript in one line naming the file.</summary>
    /// <param name="use">What it is opened for, for the refusal: "evaluated", "visualized", "exported".</param>
    public static TrainedModel OpenCnn(string path, ModelOpenOptions options, Device device, string use)
    {
        var file = RunFolder.ResolveCheckpoint(path, options.Checkpoint);
        if (TorchScriptModel.IsTorchScriptPath(file))
            throw new ArgumentException($"{file}: a TorchScript model cannot be {use}; give a run folder, a SampleCnn checkpoint or a PyTorch state_dict");
        return Open(path, options, device);
    }

    static TrainedModel OpenTorchScript(string file, ModelOpenOptions options, Device device)
    {
        if (options.TagsFile is null)
            throw new OptionException(nameof(options.TagsFile), "tags file", null, $"{file} is TorchScript, which carries no tag names: give its tags file");
        if (options.SegmentSamples is not > 0)
            throw new OptionException(nameof(options.SegmentSamples), "segment length in samples", options.SegmentSamples, $"{file} is TorchScript, which does not say its input length: give it (more than 0)");
        if (options.SampleRate is < ModelSpec.MinSampleRate or > ModelSpec.MaxSampleRate)
            throw new OptionException(nameof(options.SampleRate), "sample rate", options.SampleRate, $"must be {ModelSpec.MinSampleRate} to {ModelSpec.MaxSampleRate} Hz");
        var (network, tags) = TorchScriptModel.Load(file, options.TagsFile, device);
        return new TrainedModel(new ModelInfo(ModelKind.TorchScript, file, "TorchScript", tags.Length, options.SegmentSamples.Value, null, options.SampleRate), tags, network, null);
    }

    static TrainedModel OpenStateDict(string file, ModelOpenOptions options, Device device)
    {
        var (layout, model) = StateDict.Open(file, options.Spec is null ? null : ModelSpec.Parse(options.Spec));
        try
        {
            var tags = TagsFor(file, layout, model.Tags, options.TagsFile);
            model.to(device);
            return Ours(ModelKind.StateDict, file, model, tags, null, layout);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The tags given (a file or a published list's name), else the layout's own; as many as the outputs.</summary>
    static string[] TagsFor(string file, WeightsLayout layout, int outputs, string? given)
    {
        if (given is null)
            return PublishedTags.Default(layout, outputs)?.ToArray()
                   ?? throw new ArgumentException($"{file}: {layout.Name} weights with {outputs} outputs carry no tags; give a tags file");
        var tags = TagsFile.Read(given);
        if (tags.Length != outputs) throw new InvalidDataException($"{given}: {tags.Length} tags for the {outputs} outputs of {file}");
        return tags;
    }

    static TrainedModel Ours(ModelKind kind, string file, TaggingCnn model, string[] tags, int? epoch, WeightsLayout? layout = null) =>
        new(new ModelInfo(kind, file, model.Spec.ToString(), tags.Length, (int)model.Spec.InputSamples, epoch, model.Spec.SampleRate, layout), tags, model, model);

    public void Dispose() => (Network as IDisposable)?.Dispose();
}
