using System.Globalization;

namespace SampleCnn.Bench;

/// <summary>Peak resident memory (VmHWM) of this process or another, the figure reference.py reports too.</summary>
static class PeakRss
{
    public static double Megabytes(int? pid = null)
    {
        var line = File.ReadLines($"/proc/{pid?.ToString(CultureInfo.InvariantCulture) ?? "self"}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
