namespace SampleCnn.Bench;

/// <summary>What a worker reports: per-iteration times after warm-up, and its peak resident memory.</summary>
sealed record Run(double[] TimesMs, double PeakRssMb, string Version, int Threads, double Checksum);
