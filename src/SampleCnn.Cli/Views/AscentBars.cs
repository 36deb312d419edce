using SampleCnn.Visualization;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>A bar per layer of the filter visualisation, counting its ascent steps (visualize and the demo).</summary>
sealed class AscentBars(ProgressDisplay bars) : IProgress<AscentStep>
{
    ProgressTask? task;

    public void Report(AscentStep step)
    {
        if (step.Step == 0) task = bars.AddTask($"layer {step.Layer}: {step.Filters} filters", step.Steps);
        task!.Value = step.Step;
    }
}
