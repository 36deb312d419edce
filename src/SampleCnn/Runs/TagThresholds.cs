using System.Text.Json;
using SampleCnn.Platform;

namespace SampleCnn.Runs;

/// <summary>
/// Per-tag decision thresholds tuned by `evaluate` (each maximises the tag's F1 on a store's validation split) and
/// where they came from: the checkpoint and its epoch, the store, the split and the protocol its clips were scored by.
/// A clip has a tag when its score is at least the tag's threshold. Kept beside the model (<see cref="RunFolder.Thresholds"/>).
/// </summary>
/// <param name="Checkpoint">The model file tuned (a path).</param>
/// <param name="Epoch">The checkpoint's epoch; 0 for a file that records none (a state_dict).</param>
/// <param name="Protocol">paper or won2020, as the evaluation was scored.</param>
/// <param name="SegmentsPerClip">Segments scored per clip; 0: every whole segment.</param>
/// <param name="Clips">Clips of the split tuned on.</param>
/// <param name="Tags">In the model's output order, named as the model names them.</param>
public sealed record TagThresholds(string Model, string Checkpoint, int Epoch, string Store, string Split, string Protocol, string Aggregation,
    int SegmentsPerClip, int Clips, IReadOnlyList<TagThreshold> Tags)
{
    /// <summary>The threshold of a tag that could not be tuned (no positive in the split).</summary>
    public const float Untuned = 0.5f;

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonSettings.Indented));

    /// <summary>Thresholds kept by <see cref="Write"/>.</summary>
    public static TagThresholds Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found", path);
        try
        {
            var read = JsonSerializer.Deserialize<TagThresholds>(File.ReadAllText(path), JsonSettings.Indented) ?? throw new JsonException("null");
            if (read.Tags is null || read.Tags.Any(t => t is null || t.Tag is null)) throw new JsonException("no tags");
            return read;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a thresholds file ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>The thresholds of <paramref name="tags"/>, in their order; each tag must have one, and no other.</summary>
    /// <param name="path">The file they were read from, for the refusal.</param>
    public float[] For(IReadOnlyList<string> tags, string path)
    {
        var byTag = Tags.GroupBy(t => t.Tag, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Threshold, StringComparer.Ordinal);
        var missing = tags.Where(t => !byTag.ContainsKey(t)).ToList();
        var extra = byTag.Keys.Except(tags, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0 || Tags.Count != tags.Count)
            throw new InvalidDataException($"{path}: its tags differ from the model's"
                + (missing.Count > 0 ? $": none for {string.Join(", ", missing)}" : "") + (extra.Count > 0 ? $"; not the model's: {string.Join(", ", extra)}" : ""));
        return tags.Select(t => byTag[t]).ToArray();
    }
}
