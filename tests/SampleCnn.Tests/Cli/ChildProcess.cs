using System.Diagnostics;
using System.Text;

namespace SampleCnn.Tests.Cli;

/// <summary>Runs `samplecnn` as a separate process, so a test can kill it with SIGKILL as a crash or an OOM killer would.</summary>
static class ChildProcess
{
    static readonly string Executable = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "SampleCnn.Cli.exe" : "SampleCnn.Cli");

    /// <summary>Runs to the end; returns the exit code and what it wrote on stderr.</summary>
    public static (int Code, string Error) Run(params string[] args) => RunWith([], args);

    /// <summary>As <see cref="Run"/>, with these environment variables set for the child (e.g. runtime switches read at start-up).</summary>
    public static (int Code, string Error) RunWith((string Name, string Value)[] environment, params string[] args)
    {
        var (code, _, error) = Capture(environment, args);
        return (code, error);
    }

    /// <summary>As <see cref="RunWith"/>, also returning what it wrote on stdout.</summary>
    public static (int Code, string Output, string Error) Capture((string Name, string Value)[] environment, params string[] args)
    {
        using var process = Start(args, environment, out var output, out var error);
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>Kills the process (SIGKILL) as soon as <paramref name="reached"/> holds; false if it ended first.</summary>
    public static bool KillWhen(Func<bool> reached, params string[] args)
    {
        using var process = Start(args, [], out _, out _);
        while (!process.HasExited)
        {
            if (reached())
            {
                process.Kill();
                process.WaitForExit();
                return true;
            }
            Thread.SpinWait(100);
        }
        return false;
    }

    static Process Start(string[] args, (string Name, string Value)[] environment, out StringBuilder output, out StringBuilder error)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info)!;
        var (outputs, errors) = (new StringBuilder(), new StringBuilder());
        process.OutputDataReceived += (_, e) => { lock (outputs) outputs.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        (output, error) = (outputs, errors);
        return process;
    }
}
