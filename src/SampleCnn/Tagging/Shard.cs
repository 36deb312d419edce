using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>
/// One of <see cref="Count"/> parts of a manifest, numbered from 0. A file belongs to the shard its manifest path
/// hashes to (<see cref="Of"/>), so every worker finds its own files without asking anyone.
/// </summary>
/// <param name="Source">Where the shard came from, for the output: the option, or the scheduler's variables and their values.</param>
public sealed record Shard(int Index, int Count, string Source)
{
    /// <summary>The variable a Kubernetes Indexed Job must set to its completions count (Kubernetes gives only the index).</summary>
    public const string CountVariable = "SAMPLECNN_SHARDS";

    /// <summary>The whole manifest, when neither the option nor a scheduler names a shard.</summary>
    public static Shard Whole => new(0, 1, "no shard given: the whole manifest");

    /// <summary>
    /// The shard of a manifest path among <paramref name="count"/>: the first 8 bytes of the SHA-256 of its UTF-8 text, read
    /// big-endian, modulo the count. Stable across processes, machines and .NET versions (string.GetHashCode is not).
    /// </summary>
    public static int Of(string manifestPath, int count) =>
        (int)(BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(manifestPath))) % (ulong)count);

    public bool Holds(string manifestPath) => Of(manifestPath, Count) == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The shard named as "I/N", or else the one the scheduler's environment names, or else <see cref="Whole"/>.</summary>
    public static Shard Resolve(string? text, Func<string, string?> environment) =>
        text is not null ? Parse(text) : FromEnvironment(environment) ?? Whole;

    /// <summary>"I/N" with 0 &lt;= I &lt; N.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !TryInt(parts[0], out var index) || !TryInt(parts[1], out var count))
            throw new OptionException(nameof(Shard), "shard", text, "expected I/N, e.g. 0/4 (I counts from 0)");
        return Checked(index, count, "given");
    }

    /// <summary>
    /// Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with <see cref="CountVariable"/>. Slurm arrays: SLURM_ARRAY_TASK_ID with
    /// SLURM_ARRAY_TASK_COUNT, counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP (an array 1-4 is shards 0-3).
    /// Null when neither is set.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } v ? v : null;
        int Number(string name)
        {
            var value = Get(name) ?? throw new OptionException(nameof(Shard), "shard", null, $"{name} is not set");
            return TryInt(value, out var n) ? n : throw new OptionException(nameof(Shard), "shard", null, $"{name}={value} is not a whole number");
        }

        if (Get("JOB_COMPLETION_INDEX") is not null)
        {
            if (Get(CountVariable) is null)
                throw new OptionException(nameof(Shard), "shard", null,
                    $"JOB_COMPLETION_INDEX is set but {CountVariable} is not; set it in the Job to its completions count");
            int index = Number("JOB_COMPLETION_INDEX"), count = Number(CountVariable);
            return Checked(index, count, $"Kubernetes JOB_COMPLETION_INDEX={index}, {CountVariable}={count}");
        }
        if (Get("SLURM_ARRAY_TASK_ID") is not null)
        {
            int id = Number("SLURM_ARRAY_TASK_ID"), count = Number("SLURM_ARRAY_TASK_COUNT");
            int min = Get("SLURM_ARRAY_TASK_MIN") is null ? 0 : Number("SLURM_ARRAY_TASK_MIN");
            int step = Get("SLURM_ARRAY_TASK_STEP") is null ? 1 : Number("SLURM_ARRAY_TASK_STEP");
            if (step < 1 || (id - min) % step != 0)
                throw new OptionException(nameof(Shard), "shard", null, $"SLURM_ARRAY_TASK_ID={id} is not on the array's steps (min {min}, step {step})");
            return Checked((id - min) / step, count,
                $"Slurm SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_COUNT={count}" + (min != 0 ? $", SLURM_ARRAY_TASK_MIN={min}" : "") + (step != 1 ? $", SLURM_ARRAY_TASK_STEP={step}" : ""));
        }
        return null;
    }

    static bool TryInt(string text, out int value) => int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    static Shard Checked(int index, int count, string source) =>
        count < 1 ? throw new OptionException(nameof(Shard), "shard", $"{index}/{count}", "the count must be at least 1")
        : index >= count ? throw new OptionException(nameof(Shard), "shard", $"{index}/{count}", $"the index counts from 0, so it must be below {count} ({source})")
        : new Shard(index, count, source);
}
