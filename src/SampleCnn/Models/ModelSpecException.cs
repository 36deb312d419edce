namespace SampleCnn.Models;

/// <summary>A model spec that does not parse; the message names the text and lists the valid forms.</summary>
public sealed class ModelSpecException(string message) : FormatException(message);
