using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// `tag`: the audio files a list of inputs names (<see cref="AudioInputs"/>), tagged with a model opened from a path
/// (<see cref="TrainedModel"/>); each file's result comes back as soon as it is ready, in the order of the files,
/// with its taggram written first when asked for (<see cref="Taggram.Write"/>), and its yes/no tags when asked for
/// (<see cref="TagDecision"/>).
/// </summary>
public sealed class TaggingSession : IDisposable
{
    readonly TrainedModel model;
    readonly Tagger tagger;
    readonly string? taggram;

    TaggingSession(IReadOnlyList<string> files, TrainedModel model, Tagger tagger, string? taggram, IReadOnlyList<float>? thresholds, TagThresholds? tuned)
    {
        Files = files;
        this.model = model;
        this.tagger = tagger;
        this.taggram = taggram;
        Thresholds = thresholds;
        Tuned = tuned;
    }

    /// <param name="inputs">Files, folders (searched recursively) and patterns such as music/*.mp3.</param>
    /// <param name="taggram">Where to write each tagged file's taggram, or null for none.</param>
    /// <param name="decide">How scores become yes/no tags, or null for scores only. Tuned thresholds must exist for the model (refused in one line otherwise).</param>
    public static TaggingSession Open(IReadOnlyList<string> inputs, string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, string? taggram, Device device,
        TagDecision? decide = null)
    {
        var files = AudioInputs.Expand(inputs);
        var model = TrainedModel.Open(modelPath, modelOptions, device);
        try
        {
            var tuned = decide is { Threshold: null }
                ? model.Thresholds ?? throw new OptionException(nameof(decide), "decision", "tuned",
                    $"no thresholds were tuned for {model.Info.Path} (none at {model.ThresholdsFile}); run evaluate on it first (it tunes them on a store's validation split), or give a thresholds file or one threshold")
                : null;
            var thresholds = decide?.Threshold is { } global ? Enumerable.Repeat(global, model.Tags.Count).ToArray() : tuned?.For(model.Tags, model.ThresholdsFile);
            var tagger = model.Cnn is { } cnn
                ? new Tagger(cnn, model.Tags, device, options)
                : new Tagger(model.Network, model.Info.SegmentSamples, model.Info.SampleRate, model.Tags, device, options);
            return new TaggingSession(files, model, tagger, taggram, thresholds, tuned);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model tagging, for a front end to say what it opened.</summary>
    public ModelInfo Model => model.Info;

    /// <summary>The files to tag, each once, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The model's tags, in the order of every result's scores.</summary>
    public IReadOnlyList<string> Tags => model.Tags;

    /// <summary>Each tag's threshold, in the order of <see cref="Tags"/>, when decisions were asked for; else null.</summary>
    public IReadOnlyList<float>? Thresholds { get; }

    /// <summary>The tuned thresholds deciding, with where they came from; null when none are used.</summary>
    public TagThresholds? Tuned { get; }

    public IEnumerable<FileTags> Run(CancellationToken cancel = default)
    {
        foreach (var result in tagger.Tag(Files, cancel))
        {
            if (taggram is not null && !result.Failed) Taggram.Write(taggram, result, Files.Count);
            yield return Thresholds is null ? result : result with { Thresholds = Thresholds };
        }
    }

    public void Dispose()
    {
        tagger.Dispose();
        model.Dispose();
    }
}
