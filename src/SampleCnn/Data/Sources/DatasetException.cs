namespace SampleCnn.Data.Sources;

/// <summary>A dataset's files do not have the form its source expects; the message names the file and what is wrong.</summary>
internal sealed class DatasetException(string message) : Exception(message);
