namespace SampleCnn.Synthesis;

/// <summary>The pitched voices of the generator; each clip's tags name the ones it contains.</summary>
internal enum Instrument { PluckedString, Piano, Organ, BowedString, Flute, Brass, Bass }
