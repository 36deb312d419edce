namespace SampleCnn.Platform;

/// <summary>
/// A failure whose message is about one option, or advises one. The library speaks of the option by meaning;
/// a front end restates the message with its own name for it (the command line's flag).
/// </summary>
public interface IOptionMessage
{
    /// <summary>The option: the name of the options property (or entry-point parameter) that sets it.</summary>
    string Option { get; }

    /// <summary>The message with the option called <paramref name="name"/>.</summary>
    string MessageNaming(string name);
}
