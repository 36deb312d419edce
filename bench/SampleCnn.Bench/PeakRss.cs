namespace SampleCnn.Bench;

/// <summary>Peak resident memory of this process (VmHWM), the figure reference.py reports too.</summary>
static class PeakRss
{
    public static double Megabytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
