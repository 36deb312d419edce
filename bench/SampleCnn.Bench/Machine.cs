using System.Globalization;

namespace SampleCnn.Bench;

/// <summary>
/// The CPU a run measured on and the load around it. The VM moves between hosts: on 2026-11-25 it ran where the FMA
/// probe gave 415 GFLOP/s (two 512-bit FMA pipes), on 2026-11-26 on a Zen 4 (family 25, one 512-bit FMA per cycle)
/// at 232; so every table says which CPU it came from, and only ratios within one run compare.
/// </summary>
static class Machine
{
    public static string Cpu()
    {
        var info = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToArray() : [];
        string Field(string name) => info.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Field("model name")} (family {Field("cpu family")}, model {Field("model")}), {Environment.ProcessorCount} cores";
    }

    /// <summary>The 1-minute load average, or NaN where /proc/loadavg is missing.</summary>
    public static double Load() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;
}
