namespace SampleCnn.Bench;

/// <summary>
/// What a worker reports: per-iteration times after warm-up, its peak resident memory, and for a training
/// step the median ms of each of its parts (<see cref="ForwardWorker.Phases"/>).
/// </summary>
sealed record Run(double[] TimesMs, double PeakRssMb, string Version, int Threads, double Checksum, Dictionary<string, double>? PhasesMs = null);
