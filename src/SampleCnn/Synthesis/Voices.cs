namespace SampleCnn.Synthesis;

/// <summary>
/// Renders one note of an instrument into a buffer (added to what is there). Each voice has its own
/// timbre, so the instrument tags follow from the sound: Karplus-Strong plucked string, inharmonic
/// decaying piano partials, sustained organ harmonics, sawtooth-rich bowed string with vibrato,
/// near-sine flute with breath noise, bright brass with a rising attack, and a low bass.
/// </summary>
internal static class Voices
{
    public static void Note(Instrument instrument, Span<float> output, int sampleRate, int start, int length, double hz, double gain, Random random)
    {
        length = Math.Min(length, output.Length - start);
        if (length <= 0) return;
        var note = output.Slice(start, length);
        switch (instrument)
        {
            case Instrument.PluckedString: KarplusStrong(note, sampleRate, hz, gain, random); break;
            case Instrument.Piano: Partials(note, sampleRate, hz, gain, count: 8, inharmonicity: 4e-4, decay: 2.5, decayPerPartial: 0.6, attack: 0.002); break;
            case Instrument.Organ: Partials(note, sampleRate, hz, gain, count: 6, inharmonicity: 0, decay: 0, decayPerPartial: 0, attack: 0.02, oddBoost: true); break;
            case Instrument.BowedString: Sawtooth(note, sampleRate, hz, gain, vibratoHz: 5.5, vibratoDepth: 0.006, attack: 0.08, brightness: 1.0); break;
            case Instrument.Flute: Flute(note, sampleRate, hz, gain, random); break;
            case Instrument.Brass: Brass(note, sampleRate, hz, gain); break;
            default: Sawtooth(note, sampleRate, hz, gain, vibratoHz: 0, vibratoDepth: 0, attack: 0.01, brightness: 0.25); break;
        }
    }

    static double Release(int n, int length, int sampleRate) => Math.Min(1.0, (length - n) / (0.02 * sampleRate));

    static void KarplusStrong(Span<float> note, int sampleRate, double hz, double gain, Random random)
    {
        int period = Math.Max(2, (int)Math.Round(sampleRate / hz));
        var line = new double[period];
        for (int i = 0; i < period; i++) line[i] = random.NextDouble() * 2 - 1;
        for (int n = 0; n < note.Length; n++)
        {
            int i = n % period, next = (n + 1) % period;
            double value = line[i];
            line[i] = 0.996 * 0.5 * (line[i] + line[next]);
            note[n] += (float)(gain * value * Release(n, note.Length, sampleRate));
        }
    }

    static void Partials(Span<float> note, int sampleRate, double hz, double gain, int count, double inharmonicity, double decay,
        double decayPerPartial, double attack, bool oddBoost = false)
    {
        for (int k = 1; k <= count; k++)
        {
            double f = k * hz * Math.Sqrt(1 + inharmonicity * k * k);
            if (f >= sampleRate / 2.0) break;
            double amplitude = gain / k * (oddBoost && k % 2 == 1 ? 1.5 : 1) / 2;
            for (int n = 0; n < note.Length; n++)
            {
                double t = (double)n / sampleRate;
                double envelope = Math.Min(1, t / attack) * Math.Exp(-t * (decay + decayPerPartial * k)) * Release(n, note.Length, sampleRate);
                note[n] += (float)(amplitude * envelope * Math.Sin(2 * Math.PI * f * t));
            }
        }
    }

    static void Sawtooth(Span<float> note, int sampleRate, double hz, double gain, double vibratoHz, double vibratoDepth, double attack, double brightness)
    {
        double phase = 0;
        int harmonics = Math.Max(1, (int)(sampleRate / 2.0 / hz * brightness));
        harmonics = Math.Min(harmonics, 30);
        for (int n = 0; n < note.Length; n++)
        {
            double t = (double)n / sampleRate;
            phase += 2 * Math.PI * hz * (1 + vibratoDepth * Math.Sin(2 * Math.PI * vibratoHz * t)) / sampleRate;
            double value = 0;
            for (int k = 1; k <= harmonics; k++) value += Math.Sin(k * phase) / k;
            note[n] += (float)(gain * 0.5 * value * Math.Min(1, t / attack) * Release(n, note.Length, sampleRate));
        }
    }

    static void Flute(Span<float> note, int sampleRate, double hz, double gain, Random random)
    {
        double phase = 0, breath = 0;
        for (int n = 0; n < note.Length; n++)
        {
            double t = (double)n / sampleRate;
            phase += 2 * Math.PI * hz * (1 + 0.004 * Math.Sin(2 * Math.PI * 5 * t)) / sampleRate;
            breath = 0.9 * breath + 0.1 * (random.NextDouble() * 2 - 1); // soft low-passed noise
            double value = Math.Sin(phase) + 0.1 * Math.Sin(2 * phase) + 0.6 * breath;
            note[n] += (float)(gain * 0.6 * value * Math.Min(1, t / 0.05) * Release(n, note.Length, sampleRate));
        }
    }

    static void Brass(Span<float> note, int sampleRate, double hz, double gain)
    {
        for (int n = 0; n < note.Length; n++)
        {
            double t = (double)n / sampleRate;
            double brightness = Math.Min(1, t / 0.06); // harmonics open up during the attack
            double value = 0;
            for (int k = 1; k <= 12 && k * hz < sampleRate / 2.0; k++)
                value += Math.Pow(brightness, k * 0.5) * Math.Sin(2 * Math.PI * k * hz * t) / Math.Sqrt(k);
            note[n] += (float)(gain * 0.35 * value * Math.Min(1, t / 0.03) * Release(n, note.Length, sampleRate));
        }
    }
}
