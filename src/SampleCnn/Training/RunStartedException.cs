using SampleCnn.Platform;

namespace SampleCnn.Training;

/// <summary>A new run was asked for in a folder where one was already started; resuming continues it.</summary>
/// <param name="folder">The run folder.</param>
/// <param name="option">The option that resumes (the entry point's parameter), which the message advises.</param>
internal sealed class RunStartedException(string folder, string option) : IOException(Advise(folder, "the resume option")), IOptionMessage
{
    public string Folder { get; } = folder;

    public string Option { get; } = option;

    public string MessageNaming(string name) => Advise(Folder, name);

    static string Advise(string folder, string resume) => $"{folder}: a run was started in this folder; use {resume} to continue it, or another folder";
}
