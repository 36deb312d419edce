using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>
/// A Spectre progress display opened by the first bar and closed when a phase of the work ends, so one
/// library call that reports through IProgress can show bars for each of its phases (each model of an
/// experiment) with plain lines between them. Spectre's Progress.Start would have to wrap the whole call;
/// here the display waits on its own while the caller's thread works and updates the bars (Spectre's tasks
/// are thread-safe, and lines written meanwhile appear above the bars).
/// </summary>
sealed class ProgressDisplay(IAnsiConsole console, params ProgressColumn[] columns) : IDisposable
{
    readonly Lock gate = new(); // bars may be added from several threads (clips rendered in parallel)
    ProgressContext? context;
    TaskCompletionSource? closing;
    Task? shown;

    public ProgressTask AddTask(string description, double maxValue)
    {
        lock (gate) return Open().AddTask(description, maxValue: maxValue);
    }

    ProgressContext Open()
    {
        if (context is not null) return context;
        var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        closing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = closing.Task;
        shown = console.Progress().Columns(columns).StartAsync(ctx =>
        {
            ready.SetResult(ctx);
            return closed;
        });
        Task.WaitAny(ready.Task, shown);
        if (!ready.Task.IsCompleted) shown.GetAwaiter().GetResult(); // the display could not start: its exception
        return context = ready.Task.Result;
    }

    /// <summary>Ends the display, leaving its last state on screen; the next bar opens a new one.</summary>
    public void Close()
    {
        lock (gate)
        {
            if (shown is null) return;
            var display = shown;
            (context, shown) = (null, null);
            closing!.SetResult();
            display.GetAwaiter().GetResult();
        }
    }

    public void Dispose() => Close();
}
