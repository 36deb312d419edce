namespace SampleCnn.Audio.Decoding;

/// <summary>
/// What a decoder left out of a damaged file it still decoded (junk skipped, a truncated end, a damaged
/// page): the file counts as recovered.
/// </summary>
internal sealed record AudioDamage(AudioProblem Problem, string Reason)
{
    /// <summary>One line for reports: the damage and how much audio was kept.</summary>
    public string Describe(double keptSeconds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Reason}; kept {keptSeconds:F2} s");

    /// <summary>Why a file that decoded without an error gave no samples at all.</summary>
    public static string NoAudio(AudioDamage? damage) => damage is null ? "no audio samples" : $"{damage.Reason}; no audio before the damage";
}
