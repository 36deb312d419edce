using SampleCnn.Cli.Commands;
using SampleCnn.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli;

/// <summary>The `samplecnn` verbs and how failures reach the user: one line on stderr and an exit code.</summary>
public static class SampleCnnApp
{
    /// <summary>Exit code for a bad command line: unknown verb, bad option, invalid model spec.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure while doing the work.</summary>
    public const int Failure = 1;

    public static int Run(string[] args, IAnsiConsole console, TextWriter error)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("samplecnn");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.AddCommand<SummaryCommand>("summary")
                .WithDescription("Print a model's layer table: output shapes, parameters, multiply-accumulates.")
                .WithExample("summary", "--model", "3^9");
        });
        try
        {
            return app.Run(args);
        }
        catch (Exception e) when (e is CommandAppException or ModelSpecException or ArgumentException)
        {
            error.WriteLine($"samplecnn: {OneLine(e.Message)}");
            return UsageError;
        }
        catch (Exception e)
        {
            error.WriteLine($"samplecnn: {OneLine(e.Message)}");
            return Failure;
        }
    }

    static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
