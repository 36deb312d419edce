using System.Globalization;
using System.Text.RegularExpressions;
using SampleCnn.Audio.Signal;

namespace SampleCnn.Models;

/// <summary>
/// One model of the paper's family, named by a short text used everywhere (CLI, run folders, tables):
/// <c>3^9</c>, <c>frame:729</c>, <c>mel:729</c>, <c>se:3^9</c>, <c>rese2-multi:3^9</c>, and the published
/// checkpoints' models: <c>won-sample</c> (<c>3^9+pad1@16000</c>), <c>won-se</c> (<c>rese2-won:3^9+pad1+dense-head@16000</c>),
/// <c>clmr</c> (<c>3^9+last3</c>). A suffix <c>@R</c> (<c>3^9@16000</c>) gives a sample rate other than the paper's
/// 22,050 Hz, which a text without it means. Input samples = <see cref="Hop"/> x <see cref="M"/>^<see cref="Modules"/>,
/// so the last pooled map has length 1.
/// </summary>
/// <param name="FrontEnd">Strided conv on samples, or mel spectrogram.</param>
/// <param name="M">Filter size = pooling size of the modules (2..5).</param>
/// <param name="Modules">n, the number of conv + max-pool modules.</param>
/// <param name="Filter">First filter (waveform) or STFT window (mel) length in samples.</param>
/// <param name="Hop">First stride (waveform: equal to Filter) or STFT hop (mel).</param>
/// <param name="Block">The repeated block.</param>
/// <param name="MultiLevel">Concatenate the global max-pooled outputs of the last three modules before the dense layers.</param>
/// <param name="FirstPadding">Zero samples added at each end before layer 1's strided conv (<c>+pad1</c>: Won et al.'s
/// layer 1 sees samples [3t-1, 3t+1] for output t; the output length stays the same).</param>
/// <param name="LastKernel">Kernel of the last conv, the one on the length-1 map before the dense layers, with "same"
/// padding (<c>+last3</c>: CLMR's; on a length-1 map only its centre tap meets a sample).</param>
/// <param name="DenseHead">A hidden dense 512 + BatchNorm + ReLU between the last conv and the dropout + dense (<c>+dense-head</c>).</param>
public sealed record ModelSpec(FrontEndKind FrontEnd, int M, int Modules, int Filter, int Hop,
    BlockKind Block = BlockKind.Plain, bool MultiLevel = false, int FirstPadding = 0, int LastKernel = 1, bool DenseHead = false)
{
    /// <summary>The paper's best model, the default wherever a model is chosen.</summary>
    public const string PaperBest = "3^9";

    /// <summary>The paper's rate: a spec's unless it says otherwise (every text and file from before rates were recorded).</summary>
    public const int DefaultSampleRate = Waveform.PaperSampleRate;

    /// <summary>Lowest and highest rates a spec accepts.</summary>
    public const int MinSampleRate = 1000, MaxSampleRate = 384_000;

    /// <summary>The rate the model reads audio at: every verb decodes and resamples to it (Won et al.'s checkpoints: 16,000).</summary>
    public int SampleRate { get; init; } = DefaultSampleRate;

    /// <summary>Mel bins of the mel front end (the paper's 128).</summary>
    public const int MelBins = 128;

    /// <summary>Largest input accepted (about 7.5 minutes); larger specs are almost certainly typos.</summary>
    public const long MaxInputSamples = 10_000_000;

    /// <summary>The valid forms, shown whenever a spec does not parse.</summary>
    public const string ValidForms =
        "valid forms: m^n (m = 2..5, e.g. 3^9, 2^14, 4^7, 5^6); frame:F (F = 3^k, 3..19683, e.g. frame:729); " +
        "mel:F or mel:F/H (window F, hop H = 3^k, e.g. mel:729); prefixes se:, rese2:, multi:, se-multi:, rese2-multi: " +
        "rese2-won: (residual SE on every layer, Won et al. 2020); modifiers +pad1, +last3, +dense-head " +
        "(e.g. se:3^9, rese2-multi:3^9, 3^9+pad1); a suffix @R sets the sample rate in Hz (default 22050, e.g. 3^9@16000); " +
        "the published checkpoints' models won-sample, won-se, clmr";

    /// <summary>The published checkpoints' models by name, each an alias of its full spec text (see <see cref="Definition"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["won-sample"] = "3^9+pad1@16000",
        ["won-se"] = "rese2-won:3^9+pad1+dense-head@16000",
        ["clmr"] = "3^9+last3",
    };

    /// <summary>The number of samples the model reads at once: one segment.</summary>
    public long InputSamples => Hop * (long)Math.Pow(M, Modules);

    /// <summary>Segment duration in milliseconds at the model's <see cref="SampleRate"/>.</summary>
    public double InputMilliseconds => InputSamples * 1000.0 / SampleRate;

    /// <summary>Channels of the front end's output: 128 filters, or one per mel bin.</summary>
    public int FrontEndChannels => FrontEnd == FrontEndKind.Mel ? MelBins : 128;

    /// <summary>
    /// Output channels of module i (1-based). The paper lists only 3^9; our rule for other n:
    /// the first two modules keep 128, the last has 512, those between have 256.
    /// </summary>
    public int ModuleChannels(int i) => i == Modules ? 512 : i <= 2 ? 128 : 256;

    static readonly Regex PowerForm = new(@"^([0-9]+)\^([0-9]+)$", RegexOptions.CultureInvariant);
    static readonly Regex FrameForm = new(@"^frame:([0-9]+)$", RegexOptions.CultureInvariant);
    static readonly Regex MelForm = new(@"^mel:([0-9]+)(?:/([0-9]+))?$", RegexOptions.CultureInvariant);

    /// <summary>Parses a spec; throws <see cref="ModelSpecException"/> naming the text and the valid forms.</summary>
    public static ModelSpec Parse(string text)
    {
        var key = text.Trim().ToLowerInvariant();
        var full = Aliases.GetValueOrDefault(key, key);
        var at = full.LastIndexOf('@');
        int rate = DefaultSampleRate;
        var spec = at < 0 ? TryParseModified(full)
            : TryInt(full[(at + 1)..], out rate) && rate is >= MinSampleRate and <= MaxSampleRate ? TryParseModified(full[..at]) : null;
        return spec is null ? throw new ModelSpecException($"unknown model spec '{text}'; {ValidForms}") : spec with { SampleRate = rate };
    }

    // Modifiers follow the spec, each once: core+pad1+last3+dense-head.
    static ModelSpec? TryParseModified(string text)
    {
        var parts = text.Split('+');
        var spec = TryParseCore(parts[0]);
        foreach (var modifier in parts.Skip(1))
        {
            if (spec is null) return null;
            spec = modifier switch
            {
                "pad1" when spec.FirstPadding == 0 && spec.FrontEnd == FrontEndKind.Waveform && spec.Filter > 2 => spec with { FirstPadding = 1 },
                "last3" when spec.LastKernel == 1 && !spec.MultiLevel => spec with { LastKernel = 3 },
                "dense-head" when !spec.DenseHead && !spec.MultiLevel => spec with { DenseHead = true },
                _ => null,
            };
        }
        return spec;
    }

    static ModelSpec? TryParseCore(string text)
    {
        var colon = text.IndexOf(':');
        if (colon > 0)
        {
            var prefix = text[..colon];
            (BlockKind block, bool multi)? wrap = prefix switch
            {
                "se" => (BlockKind.SqueezeExcite, false),
                "rese2" => (BlockKind.ReSe2, false),
                "multi" => (BlockKind.Plain, true),
                "se-multi" => (BlockKind.SqueezeExcite, true),
                "rese2-multi" => (BlockKind.ReSe2, true),
                "rese2-won" => (BlockKind.ReSe2Won, false),
                _ => null,
            };
            if (wrap is { } w)
            {
                var inner = TryParseCore(text[(colon + 1)..]);
                if (inner is null || inner.Block != BlockKind.Plain || inner.MultiLevel) return null;
                var wrapped = inner with { Block = w.block, MultiLevel = w.multi };
                if (w.block == BlockKind.ReSe2Won && inner.FrontEnd != FrontEndKind.Waveform) return null; // its layer 1 is a block on samples
                return wrapped.MultiLevel && wrapped.Modules < 3 ? null : wrapped;
            }
        }

        ModelSpec? spec = null;
        if (PowerForm.Match(text) is { Success: true } p && TryInt(p.Groups[1].Value, out var m) && TryInt(p.Groups[2].Value, out var n)
            && m is >= 2 and <= 5 && n >= 1)
            spec = new ModelSpec(FrontEndKind.Waveform, m, n, m, m);
        else if (FrameForm.Match(text) is { Success: true } f && TryInt(f.Groups[1].Value, out var filter) && PowerOfThree(filter) is { } k)
            spec = new ModelSpec(FrontEndKind.Waveform, 3, 10 - k, filter, filter);
        else if (MelForm.Match(text) is { Success: true } mel && TryInt(mel.Groups[1].Value, out var window))
        {
            var hop = mel.Groups[2].Success && TryInt(mel.Groups[2].Value, out var h) ? h : window;
            if (PowerOfThree(hop) is { } kh && window >= 2)
                spec = new ModelSpec(FrontEndKind.Mel, 3, 10 - kh, window, hop);
        }
        return spec is not null && spec.Hop * Math.Pow(spec.M, spec.Modules) <= MaxInputSamples ? spec : null;
    }

    static bool TryInt(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= 1_000_000;

    // Frame-level models keep the paper's 59049-sample input (3^10): a first filter of 3^k leaves 10-k modules.
    static int? PowerOfThree(int value)
    {
        for (int k = 1, p = 3; k <= 9; k++, p *= 3)
            if (p == value) return k;
        return null;
    }

    /// <summary>The canonical text of this spec (a published model's name where it is one); <see cref="Parse"/> reads it back to an equal spec.</summary>
    public override string ToString()
    {
        var definition = Definition;
        return Aliases.FirstOrDefault(a => a.Value == definition).Key ?? definition;
    }

    /// <summary>The spec written out in full, with its prefix and modifiers (what an alias stands for).</summary>
    public string Definition
    {
        get
        {
            var core = FrontEnd switch
            {
                FrontEndKind.Mel => Filter == Hop ? $"mel:{Filter}" : $"mel:{Filter}/{Hop}",
                _ => Filter == M ? $"{M}^{Modules}" : $"frame:{Filter}",
            };
            var prefix = (Block, MultiLevel) switch
            {
                (BlockKind.Plain, false) => "",
                (BlockKind.Plain, true) => "multi:",
                (BlockKind.SqueezeExcite, false) => "se:",
                (BlockKind.SqueezeExcite, true) => "se-multi:",
                (BlockKind.ReSe2, false) => "rese2:",
                (BlockKind.ReSe2, true) => "rese2-multi:",
                _ => "rese2-won:",
            };
            var modifiers = (FirstPadding == 1 ? "+pad1" : "") + (LastKernel == 3 ? "+last3" : "") + (DenseHead ? "+dense-head" : "");
            return prefix + core + modifiers + (SampleRate == DefaultSampleRate ? "" : FormattableString.Invariant($"@{SampleRate}"));
        }
    }
}
