using SampleCnn.Data.Store;

namespace SampleCnn.Tests.Data;

/// <summary>The committed miniature MagnaTagATune (Fixtures/Mtat, made by make.sh) and facts about it.</summary>
static class MiniatureMtat
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Mtat");

    public static readonly string[] Train = ["2", "6", "10", "14", "22", "26"];
    public static readonly string[] Valid = ["30", "34"];
    public static readonly string[] Test = ["38", "42", "46"];
    public const string ZeroByteClip = "10";

    /// <summary>Small options so the tests run fast: 1-s clips kept whole at 22050 Hz.</summary>
    public static readonly PrepareOptions Options = new(MaxClipSamples: 22050);
}
