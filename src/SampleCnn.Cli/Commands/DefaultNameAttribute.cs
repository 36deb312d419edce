using System.ComponentModel;

namespace SampleCnn.Cli.Commands;

/// <summary>A library's default choice (an enum value), shown and parsed as the command line spells choices: in lower case.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DefaultNameAttribute(object choice) : DefaultValueAttribute(Of(choice))
{
    public static string Of(object choice) => choice.ToString()!.ToLowerInvariant();
}
