using System.Globalization;
using SampleCnn.Visualization;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>`visualize`'s summary: one line per layer drawn, the BatchNorm statistics used, the files written.</summary>
internal static class FilterView
{
    public static void Render(IAnsiConsole console, FilterVisualizationResult result)
    {
        foreach (var l in result.Layers)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"layer {l.Layer}: {l.Converged}/{l.Filters} filters converged ({l.Dead} dead), peaks at {l.PeakLowQuartileHz:F0} / {l.PeakMedianHz:F0} / {l.PeakHighQuartileHz:F0} Hz (quartiles), sorted peaks fit a mel scale with R^2 {l.MelFitR2:F3}, a linear one with R^2 {l.LinearFitR2:F3}"));
        console.WriteLine(result.BatchNorm == AscentBatchNorm.Input
            ? "(BatchNorm with each input's own statistics, as the authors' code; the model's running statistics untouched)"
            : "(BatchNorm with the running statistics, as in eval mode)");
        console.MarkupLineInterpolated($"wrote {result.Files.Count()} files to {result.Folder}");
    }
}
