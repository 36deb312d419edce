using System.Runtime.InteropServices;

namespace SampleCnn.Audio.Decoding;

/// <summary>
/// libmpg123 (LGPL; Debian's libmpg123-0), loaded at run time when present: a heavily fuzzed C decoder with SIMD
/// synthesis, about 3x NLayer's speed on Layer III. Only its feed API is used (<see cref="Mpg123FrameDecoder"/>): it
/// never opens a file, and reads only the frames our frame walk accepted. Where the library is missing (other
/// systems, minimal installs) MP3 decoding falls back to NLayer; SAMPLECNN_MP3_DECODER=nlayer forces that fallback.
/// Only entry points whose signatures hold no off_t are bound, so the large-file suffixes (mpg123_*_64) do not matter.
/// </summary>
internal sealed unsafe class Mpg123
{
    /// <summary>The environment variable that chooses the MP3 decoder: "nlayer" forces NLayer; anything else, or unset, prefers libmpg123.</summary>
    public const string DecoderVariable = "SAMPLECNN_MP3_DECODER";

    // The names the library goes by: Linux (Debian's package), macOS (Homebrew), Windows (MSYS2's build).
    static readonly string[] Names = ["libmpg123.so.0", "libmpg123.0.dylib", "libmpg123-0.dll"];

    static readonly Lazy<Mpg123?> Chosen = new(() => Choose(Environment.GetEnvironmentVariable(DecoderVariable), Names));

    /// <summary>The library MP3 files are decoded with, or null for NLayer (missing, or <see cref="DecoderVariable"/> says so).</summary>
    public static Mpg123? Default => Chosen.Value;

    /// <summary>What decodes MP3 in this process, for reports: "libmpg123 (AVX synthesis)" or "NLayer".</summary>
    public static string Describe(Mpg123? library) => library is null ? "NLayer" : $"libmpg123 ({library.Synthesis} synthesis)";

    internal readonly delegate* unmanaged<byte*, int*, nint> New;
    internal readonly delegate* unmanaged<nint, void> Delete;
    internal readonly delegate* unmanaged<nint, int, CLong, double, int> Param;
    internal readonly delegate* unmanaged<nint, int> FormatNone;
    internal readonly delegate* unmanaged<nint, CLong, int, int, int> Format;
    internal readonly delegate* unmanaged<nint, int> OpenFeed;
    internal readonly delegate* unmanaged<nint, byte*, nuint, int> Feed;
    internal readonly delegate* unmanaged<nint, void*, nuint, nuint*, int> Read;
    readonly delegate* unmanaged<nint, byte*> currentDecoder;

    /// <summary>The SIMD synthesis the library picked for this CPU (mpg123's decoder name, e.g. "AVX").</summary>
    public string Synthesis { get; }

    Mpg123(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        New = (delegate* unmanaged<byte*, int*, nint>)Export("mpg123_new");
        Delete = (delegate* unmanaged<nint, void>)Export("mpg123_delete");
        // mpg123_param2 is mpg123_param without the enum in its signature (1.31 has both; older ones only the first).
        Param = (delegate* unmanaged<nint, int, CLong, double, int>)(NativeLibrary.TryGetExport(library, "mpg123_param2", out var param2) ? param2 : Export("mpg123_param"));
        FormatNone = (delegate* unmanaged<nint, int>)Export("mpg123_format_none");
        Format = (delegate* unmanaged<nint, CLong, int, int, int>)Export("mpg123_format");
        OpenFeed = (delegate* unmanaged<nint, int>)Export("mpg123_open_feed");
        Feed = (delegate* unmanaged<nint, byte*, nuint, int>)Export("mpg123_feed");
        Read = (delegate* unmanaged<nint, void*, nuint, nuint*, int>)Export("mpg123_read");
        currentDecoder = (delegate* unmanaged<nint, byte*>)Export("mpg123_current_decoder");
        // A no-op since 1.27, required before: called once, before any handle exists.
        if (NativeLibrary.TryGetExport(library, "mpg123_init", out var init) && ((delegate* unmanaged<int>)init)() != 0)
            throw new EntryPointNotFoundException("mpg123_init failed");
        int error;
        var handle = New(null, &error);
        if (handle == 0) throw new EntryPointNotFoundException($"mpg123_new failed ({error})");
        Synthesis = Marshal.PtrToStringUTF8((nint)currentDecoder(handle)) ?? "?";
        Delete(handle);
        // Loading is not working: before 1.26 the library ignores "no read-ahead" and gives a fed frame's samples only
        // after the next frame (every frame would come out empty), and a build without float output refuses the format.
        if (!DecodesASilentFrame()) throw new EntryPointNotFoundException("libmpg123 does not decode a frame fed alone to float samples");
    }

    /// <summary>One frame decoded exactly as files' frames are: MPEG-1 Layer III, 128 kbps, 44.1 kHz, mono, all-zero side information (silence).</summary>
    bool DecodesASilentFrame()
    {
        var frame = new byte[417];
        (frame[0], frame[1], frame[2], frame[3]) = (0xFF, 0xFB, 0x90, 0xC0);
        var header = Mp3FrameHeader.Parse(frame) ?? throw new InvalidOperationException("the probe frame's header does not parse");
        try
        {
            using var decoder = new Mpg123FrameDecoder(this, header.SampleRate, channels: 1, mix: false);
            return decoder.Decode(header, frame, new float[2 * header.SampleCount]) == header.SampleCount;
        }
        catch (InvalidOperationException)
        {
            return false; // the settings refused
        }
    }

    /// <summary>The library under the first of <paramref name="names"/> that loads with every entry point, unless <paramref name="setting"/> is "nlayer".</summary>
    internal static Mpg123? Choose(string? setting, IEnumerable<string> names)
    {
        if (string.Equals(setting?.Trim(), "nlayer", StringComparison.OrdinalIgnoreCase)) return null;
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            try
            {
                return new Mpg123(library);
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(library); // too old, or not libmpg123: try the next name
            }
        }
        return null;
    }
}
