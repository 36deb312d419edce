using SampleCnn.Cli;
using SampleCnn.Platform;
using Spectre.Console;

NativeRuntime.Initialize();
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the work at a safe point; a second one ends the process at once.
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};
return SampleCnnApp.Run(args, AnsiConsole.Console, Console.Error, interrupt.Token);
