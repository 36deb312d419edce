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
    readonly IReadOnlyList<string>? manifestPaths;
    readonly ShardParts? parts;

    TaggingSession(IReadOnlyList<string> files, TrainedModel model, Tagger tagger, string? taggram, IReadOnlyList<float>? thresholds, TagThresholds? tuned,
        ShardWork? shard, IReadOnlyList<string>? manifestPaths, ShardParts? parts)
    {
        Files = files;
        this.model = model;
        this.tagger = tagger;
        this.taggram = taggram;
        Thresholds = thresholds;
        Tuned = tuned;
        Shard = shard;
        this.manifestPaths = manifestPaths;
        this.parts = parts;
    }

    /// <param name="inputs">Files, folders (searched recursively) and patterns such as music/*.mp3.</param>
    /// <param name="taggram">Where to write each tagged file's taggram, or null for none.</param>
    /// <param name="decide">How scores become yes/no tags, or null for scores only. Tuned thresholds must exist for the model (refused in one line otherwise).</param>
    public static TaggingSession Open(IReadOnlyList<string> inputs, string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, string? taggram, Device device,
        TagDecision? decide = null) =>
        Open(AudioInputs.Expand(inputs), null, modelPath, modelOptions, options, taggram, device, decide);

    /// <summary>
    /// A batch job's shard of a manifest (<see cref="Tagging.Shard"/>): the files whose manifest paths hash to it, less those
    /// its parts already hold; each result is also written to the parts, a whole part at a time (<see cref="ShardParts"/>).
    /// </summary>
    public static TaggingSession Open(ShardedInputs inputs, string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, string? taggram, Device device,
        TagDecision? decide = null)
    {
        if (inputs.FlushFiles < 1) throw new OptionException(nameof(inputs.FlushFiles), "files per part", inputs.FlushFiles, "must be at least 1");
        if (inputs.FlushSeconds <= 0) throw new OptionException(nameof(inputs.FlushSeconds), "seconds per part", inputs.FlushSeconds, "must be more than 0");
        var (manifest, shard, mine) = inputs.Select();
        return Open([], (manifest, shard, mine, inputs), modelPath, modelOptions, options, taggram, device, decide);
    }

    static TaggingSession Open(IReadOnlyList<string> files, (Manifest Manifest, Shard Shard, List<string> Mine, ShardedInputs Inputs)? sharded,
        string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, string? taggram, Device device, TagDecision? decide)
    {
        var model = TrainedModel.Open(modelPath, modelOptions, device);
        ShardParts? parts = null;
        try
        {
            ShardWork? work = null;
            List<string>? todo = null;
            if (sharded is var (manifest, shard, mine, inputs))
            {
                parts = inputs.Parts is { } folder ? ShardParts.Open(folder, shard, model.Tags, options.Embedding ? ScoresAndEmbedding.Width : 0, inputs.FlushFiles, TimeSpan.FromSeconds(inputs.FlushSeconds)) : null;
                todo = mine.Where(p => parts?.Done.Contains(p) != true).ToList();
                files = todo.Select(p => Manifest.Locate(p, inputs.AudioRoot)).ToList();
                work = new ShardWork(shard, manifest.File, manifest.Paths.Count, manifest.Repeated, mine.Count, mine.Count - todo.Count, inputs.Parts);
            }
            var (thresholds, tuned) = decide?.For(model) ?? default;
            var tagger = TaggerFor(model, device, options);
            return new TaggingSession(files, model, tagger, taggram, thresholds, tuned, work, todo, parts);
        }
        catch
        {
            parts?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>A tagger running an opened model: our network (folded, or on ONNX Runtime) or any other module (TorchScript).</summary>
    internal static Tagger TaggerFor(TrainedModel model, Device device, TaggerOptions options) =>
        model.Cnn is { } cnn
            ? new Tagger(cnn, model.Tags, device, options)
            : new Tagger(model.Network, model.Info.SegmentSamples, model.Info.SampleRate, model.Tags, device, options);

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

    /// <summary>What a sharded session found (<see cref="Open(ShardedInputs, string, ModelOpenOptions, TaggerOptions, string?, Device, TagDecision?)"/>); null otherwise.</summary>
    public ShardWork? Shard { get; }

    public IEnumerable<FileTags> Run(CancellationToken cancel = default)
    {
        int index = 0;
        foreach (var result in tagger.Tag(Files, cancel))
        {
            if (taggram is not null && !result.Failed) Taggram.Write(taggram, result, Files.Count);
            parts?.Add(PartRow.Of(manifestPaths![index], result)); // results come in the order of the files
            index++;
            yield return Thresholds is null ? result : result with { Thresholds = Thresholds };
        }
        parts?.Flush();
    }

    public void Dispose()
    {
        parts?.Dispose(); // the files tagged since the last part, each whole, are kept
        tagger.Dispose();
        model.Dispose();
    }
}
