using SampleCnn.Cli;
using Spectre.Console.Testing;

namespace SampleCnn.Tests.Cli;

/// <summary>Runs `samplecnn` in-process as a user would, capturing what it prints and its exit code.</summary>
static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args) => RunWithWidth(200, args);

    public static (int Code, string Output, string Error) RunWithWidth(int width, params string[] args)
    {
        var console = new TestConsole().Width(width);
        var error = new StringWriter();
        var code = SampleCnnApp.Run(args, console, error);
        return (code, console.Output, error.ToString());
    }
}
