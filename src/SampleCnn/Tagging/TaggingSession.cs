using SampleCnn.Inference;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// `tag`: the audio files a list of inputs names (<see cref="AudioInputs"/>), tagged with a model opened from a path
/// (<see cref="TrainedModel"/>); each file's result comes back as soon as it is ready, in the order of the files,
/// with its taggram written first when asked for (<see cref="Taggram.Write"/>).
/// </summary>
public sealed class TaggingSession : IDisposable
{
    readonly TrainedModel model;
    readonly Tagger tagger;
    readonly string? taggram;

    TaggingSession(IReadOnlyList<string> files, TrainedModel model, Tagger tagger, string? taggram)
    {
        Files = files;
        this.model = model;
        this.tagger = tagger;
        this.taggram = taggram;
    }

    /// <param name="inputs">Files, folders (searched recursively) and patterns such as music/*.mp3.</param>
    /// <param name="taggram">Where to write each tagged file's taggram, or null for none.</param>
    public static TaggingSession Open(IReadOnlyList<string> inputs, string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, string? taggram, Device device)
    {
        var files = AudioInputs.Expand(inputs);
        var model = TrainedModel.Open(modelPath, modelOptions, device);
        try
        {
            var tagger = model.Cnn is { } cnn
                ? new Tagger(cnn, model.Tags, device, options)
                : new Tagger(model.Network, model.Info.SegmentSamples, model.Info.SampleRate, model.Tags, device, options);
            return new TaggingSession(files, model, tagger, taggram);
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

    public IEnumerable<FileTags> Run(CancellationToken cancel = default)
    {
        foreach (var result in tagger.Tag(Files, cancel))
        {
            if (taggram is not null && !result.Failed) Taggram.Write(taggram, result, Files.Count);
            yield return result;
        }
    }

    public void Dispose() => model.Dispose();
}
