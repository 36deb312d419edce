using SampleCnn.Models;

namespace SampleCnn.Inference;

/// <summary>
/// The tag lists of Won et al. 2020's published checkpoints, in output order (facts: ../shared/COMMUNITY_CHECKPOINTS.md),
/// for files that carry no tags. A tags option may name one instead of a file.
/// </summary>
internal static class PublishedTags
{
    /// <summary>Their MTAT checkpoints' order (split/mtat/top50_tags.txt), the MTAT annotation columns camel-cased.</summary>
    public static readonly IReadOnlyList<string> Mtat =
    [
        "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano", "ambient", "beat", "violin",
        "vocal", "synth", "female", "indian", "opera", "male", "singing", "vocals", "noVocals", "harpsichord", "loud", "quiet", "flute",
        "woman", "maleVocal", "noVocal", "pop", "soft", "sitar", "solo", "man", "classic", "choir", "voice", "newAge", "dance", "maleVoice",
        "femaleVocal", "beats", "harp", "cello", "noVoice", "weird", "country", "femaleVoice", "metal", "choral",
    ];

    /// <summary>
    /// Their MTG-Jamendo checkpoints' top 50, sorted: their labels pass through scikit-learn's LabelBinarizer, which
    /// sorts the classes, so output j is the j-th name in sorted (ordinal) order, not in the order their code lists them.
    /// </summary>
    public static readonly IReadOnlyList<string> Jamendo = new[]
    {
        "genre---downtempo", "genre---ambient", "genre---rock", "instrument---synthesizer", "genre---atmospheric",
        "genre---indie", "instrument---electricpiano", "genre---newage", "instrument---strings", "instrument---drums",
        "instrument---drummachine", "genre---techno", "instrument---guitar", "genre---alternative",
        "genre---easylistening", "genre---instrumentalpop", "genre---chillout", "genre---metal", "mood/theme---happy",
        "genre---lounge", "genre---reggae", "genre---popfolk", "genre---orchestral", "instrument---acousticguitar",
        "genre---poprock", "instrument---piano", "genre---trance", "genre---dance", "instrument---electricguitar",
        "genre---soundtrack", "genre---house", "genre---hiphop", "genre---classical", "mood/theme---energetic",
        "genre---electronic", "genre---world", "genre---experimental", "instrument---violin", "genre---folk",
        "mood/theme---emotional", "instrument---voice", "instrument---keyboard", "genre---pop", "instrument---bass",
        "instrument---computer", "mood/theme---film", "genre---triphop", "genre---jazz", "genre---funk", "mood/theme---relaxing",
    }.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The names a tags option takes for these lists.</summary>
    public const string MtatName = "mtat", JamendoName = "jamendo";

    /// <summary>The list a name stands for, or null when it names none (then it is a file).</summary>
    public static IReadOnlyList<string>? Named(string name) => name.ToLowerInvariant() switch
    {
        MtatName => Mtat,
        JamendoName => Jamendo,
        _ => null,
    };

    /// <summary>The tags a file of this layout is taken to have when none are given: Won et al.'s MTAT list for their 50-output heads.</summary>
    public static IReadOnlyList<string>? Default(WeightsLayout layout, int outputs) =>
        (layout == WeightsLayout.WonSample || layout == WeightsLayout.WonSe) && outputs == Mtat.Count ? Mtat : null;
}
