namespace SampleCnn.Tests.Cli;

/// <summary>
/// A fact that drives Debian's chromium through Playwright (its own browser download cannot work offline); skipped,
/// saying why, where chromium is missing. With <see cref="OptIn"/>, also skipped unless that environment variable is set.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} is not installed (apt-get install chromium; .ci/run installs it)";
    }

    /// <summary>An environment variable the test needs: a run that makes something rather than checks it.</summary>
    public string? OptIn
    {
        get;
        set
        {
            field = value;
            if (Skip is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(value!))) Skip = $"opt-in: set {value} to run it";
        }
    }
}
