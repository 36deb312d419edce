using SampleCnn.Audio.Decoding;

namespace SampleCnn.Tests.Audio;

/// <summary>A theory that compares libmpg123's decode with NLayer's; skipped, saying why, where the library is missing.</summary>
public sealed class Mpg123TheoryAttribute : TheoryAttribute
{
    public Mpg123TheoryAttribute()
    {
        if (Mpg123.Default is null) Skip = $"libmpg123 is not installed (apt-get install libmpg123-0), or {Mpg123.DecoderVariable}=nlayer";
    }
}
