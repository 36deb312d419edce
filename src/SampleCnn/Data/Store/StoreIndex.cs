using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SampleCnn.Data.Sources;
using SampleCnn.Platform;

namespace SampleCnn.Data.Store;

/// <summary>
/// Reads a store's index and checks every line before anything trusts it: offsets and lengths index
/// straight into the memory-mapped samples, so a damaged line must be an error naming it, never a read
/// outside the map. Clips follow each other in the samples file (what the writer makes), so each line's
/// offset must be where the one before ended, which also rules out overlaps and duplicated lines.
/// </summary>
internal static class StoreIndex
{
    /// <param name="tagCount">Size of the store's vocabulary.</param>
    /// <param name="samples">Samples the samples file holds.</param>
    /// <param name="cutTornLine">
    /// True when a prepare resumes: a last line without its newline (a kill mid-write) is cut off the file
    /// and its clip prepared again. False for a finished store, where such a line is damage.
    /// </param>
    /// <param name="sha256">The SHA-256 of the whole lines read (the file's, once a torn line is cut off), from the same read.</param>
    public static List<StoredClip> Read(string path, int tagCount, long samples, bool cutTornLine, out string sha256)
    {
        var bytes = File.ReadAllBytes(path);
        int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, end)));
        var lines = Encoding.UTF8.GetString(bytes, 0, end).Split('\n')[..^1];
        if (end < bytes.Length)
        {
            if (!cutTornLine)
                throw Error(path, lines.Length + 1, "cut short (no end of line): its prepare was interrupted; run the prepare again to finish the store");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            file.SetLength(end);
        }

        var clips = new List<StoredClip>(lines.Length);
        long next = 0; // where the clip on this line must start
        for (int i = 0; i < lines.Length; i++)
        {
            var clip = Parse(path, i + 1, lines[i]);
            if (Problem(clip, tagCount, samples, next) is { } problem) throw Error(path, i + 1, problem);
            next = clip.Offset + clip.Length;
            clips.Add(clip);
        }
        return clips;
    }

    static StoredClip Parse(string path, int line, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Error(path, line, "empty line");
        try
        {
            return JsonSerializer.Deserialize<StoredClip>(text, JsonSettings.Indented) ?? throw Error(path, line, "null instead of a clip record");
        }
        catch (JsonException e)
        {
            throw Error(path, line, $"not a clip record ({e.Message})");
        }
    }

    static string? Problem(StoredClip clip, int tagCount, long samples, long next)
    {
        if (string.IsNullOrEmpty(clip.Id)) return "no id";
        if (clip.Source is null) return "no source";
        if (clip.Tags is null) return "no tags";
        if (!Enum.IsDefined(clip.Split)) return $"split {(int)clip.Split} is not train, valid or test";
        foreach (var tag in clip.Tags)
            if (tag < 0 || tag >= tagCount) return $"tag {tag} is outside the vocabulary ({tagCount} tags)";
        if (clip.Length < 0) return $"length {clip.Length} is negative";
        if (clip.Skipped is null && clip.Length == 0) return "a stored clip with no samples";
        if (clip.Skipped is not null && clip.Length != 0) return "a skipped clip with samples";
        if (clip.Offset != next) return $"offset {clip.Offset}, but the clips before it end at {next} (each clip follows the one before it in {StoreLayout.Samples})";
        if (clip.Length > samples - clip.Offset) return $"samples {clip.Offset} to {clip.Offset + clip.Length} lie past the end of {StoreLayout.Samples} ({samples} samples)";
        return null;
    }

    static DatasetException Error(string path, int line, string problem) =>
        new($"{path}: line {line}: {problem.ReplaceLineEndings(" ")}");

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
