using SampleCnn.Audio.Signal;
namespace SampleCnn.Synthesis;

/// <summary>
/// Multi-label synthetic music: a random key and scale, a chord progression, a melody, a tempo, a
/// register and a loudness, played by one or two melodic instruments, with bass and drums half of the
/// time. Tags: every instrument present, drums, and one of each pair fast/slow (tempo and note density),
/// loud/quiet (level), high/low (melody register). The same seed gives the same clip.
/// </summary>
public static class SyntheticMusic
{
    public static readonly string[] AllTags =
        ["guitar", "piano", "organ", "strings", "flute", "brass", "bass", "drums", "fast", "slow", "loud", "quiet", "high", "low"];

    static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11], Minor = [0, 2, 3, 5, 7, 8, 10];
    static readonly int[][] Progressions = [[0, 4, 5, 3], [0, 3, 4, 0], [5, 3, 0, 4], [0, 5, 3, 4]];

    public static SyntheticClip Render(int seed, double seconds, int sampleRate = Waveform.PaperSampleRate)
    {
        var random = new Random(seed);
        var samples = new float[(int)(seconds * sampleRate)];
        var tags = new List<string>();

        int root = 48 + random.Next(12);
        var scale = random.Next(2) == 0 ? Major : Minor;
        bool fast = random.Next(2) == 0, loud = random.Next(2) == 0, high = random.Next(2) == 0;
        double bpm = fast ? 130 + random.Next(40) : 60 + random.Next(25);
        double beat = 60.0 / bpm;
        double noteLength = beat * (fast ? (random.Next(2) == 0 ? 0.5 : 0.25) : (random.Next(2) == 0 ? 1 : 2));
        var progression = Progressions[random.Next(Progressions.Length)];

        var melodic = Instruments.Melodic.OrderBy(_ => random.Next()).Take(1 + random.Next(2)).ToArray();
        bool bass = random.Next(2) == 0, drums = random.Next(2) == 0;

        double Hz(int midi) => 440 * Math.Pow(2, (midi - 69) / 12.0);
        int Degree(int degree, int octaveBase) => octaveBase + scale[((degree % 7) + 7) % 7] + 12 * (int)Math.Floor(degree / 7.0);

        // Melody: a random walk on the scale, in the chosen register.
        int melodyBase = root + (high ? 24 : 0), step = random.Next(7);
        for (double t = 0; t < seconds; t += noteLength)
        {
            step = Math.Clamp(step + random.Next(-2, 3), 0, 11);
            Voices.Note(melodic[0], samples, sampleRate, (int)(t * sampleRate), (int)(noteLength * sampleRate * 0.95), Hz(Degree(step, melodyBase)), 0.5, random);
        }
        // Chords (second instrument) and bass follow the progression, one chord per bar of four beats.
        for (int bar = 0; bar * 4 * beat < seconds; bar++)
        {
            int degree = progression[bar % progression.Length];
            int start = (int)(bar * 4 * beat * sampleRate), length = (int)(4 * beat * sampleRate);
            if (melodic.Length > 1)
                foreach (var offset in new[] { 0, 2, 4 })
                    Voices.Note(melodic[1], samples, sampleRate, start, length, Hz(Degree(degree + offset, root)), 0.25, random);
            if (bass)
                for (int b = 0; b < 4; b++)
                    Voices.Note(Instrument.Bass, samples, sampleRate, start + (int)(b * beat * sampleRate), (int)(beat * sampleRate * 0.9), Hz(Degree(degree, root - 24)), 0.5, random);
        }
        if (drums)
            for (int b = 0; b * beat < seconds; b++)
            {
                int at = (int)(b * beat * sampleRate);
                if (b % 2 == 0) Drums.Kick(samples, sampleRate, at, 0.8); else Drums.Snare(samples, sampleRate, at, 0.6, random);
                Drums.HiHat(samples, sampleRate, at, 0.5, random);
                Drums.HiHat(samples, sampleRate, at + (int)(beat / 2 * sampleRate), 0.4, random);
            }

        // Level: the mix peaks at 0.9 (loud) or 0.1 (quiet).
        float peak = 1e-9f;
        foreach (var v in samples) peak = Math.Max(peak, Math.Abs(v));
        float scaleTo = (loud ? 0.9f : 0.1f) / peak;
        for (int i = 0; i < samples.Length; i++) samples[i] *= scaleTo;

        tags.AddRange(melodic.Select(i => i.Tag()));
        if (bass) tags.Add(Instrument.Bass.Tag());
        if (drums) tags.Add("drums");
        tags.Add(fast ? "fast" : "slow");
        tags.Add(loud ? "loud" : "quiet");
        tags.Add(high ? "high" : "low");
        return new SyntheticClip(samples, tags.OrderBy(t => Array.IndexOf(AllTags, t)).ToArray());
    }
}
