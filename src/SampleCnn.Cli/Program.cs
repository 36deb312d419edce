using SampleCnn.Cli;
using SampleCnn.Platform;
using Spectre.Console;

NativeRuntime.Initialize();
return SampleCnnApp.Run(args, AnsiConsole.Console, Console.Error);
