namespace SampleCnn.Synthesis;

internal static class Instruments
{
    public static readonly Instrument[] Melodic = [Instrument.PluckedString, Instrument.Piano, Instrument.Organ, Instrument.BowedString, Instrument.Flute, Instrument.Brass];

    public static string Tag(this Instrument instrument) => instrument switch
    {
        Instrument.PluckedString => "guitar",
        Instrument.Piano => "piano",
        Instrument.Organ => "organ",
        Instrument.BowedString => "strings",
        Instrument.Flute => "flute",
        Instrument.Brass => "brass",
        _ => "bass",
    };
}
