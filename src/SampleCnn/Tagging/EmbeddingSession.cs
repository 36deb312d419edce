using System.Globalization;
using SampleCnn.Inference;
using SampleCnn.Platform;
using static TorchSharp.torch;

namespace SampleCnn.Tagging;

/// <summary>
/// `embed`: the audio files a list of inputs names (<see cref="AudioInputs"/>), each turned into a layer's features by a
/// model of ours (<see cref="LayerFeatures"/>) on tagging's path (<see cref="Tagger"/>: background decoding, batches
/// across files, BatchNorm folded), pooled over its segments, written as it comes (<see cref="EmbeddingWriter"/>) and
/// returned in the order of the files. TorchScript is refused: its layers are opaque.
/// </summary>
public sealed class EmbeddingSession : IDisposable
{
    readonly TrainedModel model;
    readonly Tagger tagger;
    readonly LayerFeatures features;
    readonly EmbeddingOptions options;

    EmbeddingSession(IReadOnlyList<string> files, TrainedModel model, Tagger tagger, LayerFeatures features, EmbeddingOptions options, string output, ShardWork? shard)
    {
        Files = files;
        Shard = shard;
        this.model = model;
        this.tagger = tagger;
        this.features = features;
        this.options = options;
        Output = output;
    }

    /// <param name="inputs">Files, folders (searched recursively) and patterns such as music/*.mp3.</param>
    /// <param name="output">The file to write: .parquet, .npy (with OUT.npy.rows.jsonl) or .jsonl.</param>
    public static EmbeddingSession Open(IReadOnlyList<string> inputs, string modelPath, ModelOpenOptions modelOptions, EmbeddingOptions options, TaggerOptions taggerOptions,
        string output, Device device) =>
        Open(AudioInputs.Expand(inputs), null, modelPath, modelOptions, options, taggerOptions, output, device);

    /// <summary>
    /// A batch job's shard of a manifest (<see cref="Tagging.Shard"/>), written to its own <paramref name="output"/> (one
    /// file per worker, replaced whole at the end; parts that resume are <see cref="TaggingSession"/>'s).
    /// </summary>
    public static EmbeddingSession Open(ShardedInputs inputs, string modelPath, ModelOpenOptions modelOptions, EmbeddingOptions options, TaggerOptions taggerOptions,
        string output, Device device)
    {
        if (inputs.Parts is not null) throw new OptionException(nameof(inputs.Parts), "parts", inputs.Parts, "embeddings are written to one file per shard; parts are for tags");
        var (manifest, shard, mine) = inputs.Select();
        return Open(mine.Select(p => Manifest.Locate(p, inputs.AudioRoot)).ToList(),
            new ShardWork(shard, manifest.File, manifest.Paths.Count, manifest.Repeated, mine.Count, 0, null), modelPath, modelOptions, options, taggerOptions, output, device);
    }

    static EmbeddingSession Open(IReadOnlyList<string> files, ShardWork? shard, string modelPath, ModelOpenOptions modelOptions, EmbeddingOptions options,
        TaggerOptions taggerOptions, string output, Device device)
    {
        EmbeddingWriter.CheckPath(output);
        if (options.RowGroupRows < 1) throw new OptionException(nameof(EmbeddingOptions.RowGroupRows), "rows per Parquet row group", options.RowGroupRows, "must be at least 1");
        var model = TrainedModel.OpenCnn(modelPath, modelOptions, device, "used for embeddings");
        LayerFeatures? features = null;
        try
        {
            var cnn = model.Cnn!;
            cnn.FoldBatchNorm();
            features = new LayerFeatures(cnn, options.Layer, options.Pool, taggerOptions.Engine);
            var tagger = new Tagger(features, model.Info.SegmentSamples, model.Info.SampleRate, features.Width, device, taggerOptions);
            return new EmbeddingSession(files, model, tagger, features, options, output, shard);
        }
        catch
        {
            features?.DisposeEngine();
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model embedding, for a front end to say what it opened.</summary>
    public ModelInfo Model => model.Info;

    /// <summary>The files to embed, each once, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>What a sharded session found; null otherwise.</summary>
    public ShardWork? Shard { get; }

    /// <summary>The file written.</summary>
    public string Output { get; }

    /// <summary>The file that says which file and segment each row of an .npy output is, or null for the formats whose rows say it.</summary>
    public string? RowsPath => EmbeddingWriter.RowsPathOf(Output);

    /// <summary>Values in each vector.</summary>
    public int Width => features.Width;

    /// <summary>What the vectors are, in words: the layer, its channels and the pooling.</summary>
    public string Description
    {
        get
        {
            var pool = options.Pool switch
            {
                EmbeddingPool.Mean => "mean",
                EmbeddingPool.Max => "maximum",
                _ => "mean and maximum",
            };
            var (layer, over) = options.Layer switch
            {
                null => ($"the {features.Channels}-wide input of the dense output layer", options.PerSegment ? $"{pool} of each segment's one time step" : $"{pool} over the segments"),
                1 => ($"layer 1 (the first layer, {features.Channels} channels)", ""),
                var k => ($"layer {k} (module {k - 1}, {features.Channels} channels)", ""),
            };
            if (over.Length == 0) over = $"{pool} over {(options.PerSegment ? "each segment's time steps" : "time and segments")}";
            return string.Create(CultureInfo.InvariantCulture, $"{layer}, {over}: {Width} values per {(options.PerSegment ? "segment" : "file")}");
        }
    }

    /// <summary>Embeds every file, writing each one's rows before returning it; the output is in place once all are done.</summary>
    public IEnumerable<FileEmbedding> Run(CancellationToken cancel = default)
    {
        var metadata = new Dictionary<string, string>
        {
            ["samplecnn.model"] = model.Info.Description,
            ["samplecnn.embedding"] = Description,
        };
        using var writer = EmbeddingWriter.Create(Output, options, Width, metadata);
        foreach (var segments in tagger.Run(Files, cancel))
        {
            var embedding = Embed(segments);
            writer.Write(embedding);
            yield return embedding;
        }
        writer.Commit();
    }

    FileEmbedding Embed(SegmentOutputs segments)
    {
        var vector = options.Pool switch
        {
            EmbeddingPool.Mean => segments.Mean(),
            EmbeddingPool.Max => segments.Max(),
            _ => [.. segments.Mean().Take(features.Channels), .. segments.Max().Skip(features.Channels)], // means, then maxima
        };
        return new FileEmbedding(segments.Path, vector, options.PerSegment ? segments.Values : [], segments.Width, segments.Segments,
            segments.SegmentSeconds, segments.HopSeconds, segments.Padded, segments.Error, segments.Recovered);
    }

    public void Dispose()
    {
        tagger.Dispose();
        features.DisposeEngine();
        model.Dispose();
    }
}
