using System.ComponentModel;
using System.Globalization;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Visualization;
using Spectre.Console.Cli;
using Spectre.Console;

namespace SampleCnn.Cli.Commands;

public sealed class VisualizeCommand(IAnsiConsole console) : Command<VisualizeCommand.Settings>
{
    public sealed class Settings : TrainedModelSettings
    {
        [CommandOption("--layers <RANGE>")] [Description("Layers to draw: 1-6, 2,4 or 3.")] [DefaultValue("1-6")]
        public string Layers { get; init; } = "1-6";

        [CommandOption("-o|--out <DIR>")] [Description("Folder for the pictures and CSVs.")]
        public string Out { get; init; } = "";

        [CommandOption("--input-samples <N>")] [DefaultValue(AscentOptions.DefaultInputSamples)] public int InputSamples { get; init; } = AscentOptions.DefaultInputSamples;
        [CommandOption("--steps <N>")] [DefaultValue(AscentOptions.DefaultSteps)] public int Steps { get; init; } = AscentOptions.DefaultSteps;
        [CommandOption("--step-size <S>")] [DefaultValue(AscentOptions.DefaultStepSize)] public double StepSize { get; init; } = AscentOptions.DefaultStepSize;
        [CommandOption("--seed <N>")] [DefaultValue(Seeds.Default)] public int Seed { get; init; } = Seeds.Default;

        [CommandOption("--batchnorm <STATS>")]
        [Description("BatchNorm statistics during the ascent: input (each input's own, as the authors' code) or eval (the running ones). The model is never changed.")]
        [DefaultName(AscentOptions.DefaultBatchNorm)]
        public string BatchNorm { get; init; } = DefaultNameAttribute.Of(AscentOptions.DefaultBatchNorm);

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--model and --out DIR are required")
            : InputSamples < 1 || Steps < 1 || StepSize <= 0 ? ValidationResult.Error("--input-samples, --steps and --step-size must be positive")
            : BatchNorm.ToLowerInvariant() is not ("input" or "eval") ? ValidationResult.Error($"--batchnorm '{BatchNorm}': expected input or eval")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        var (model, state) = Checkpoint.LoadModel(settings.CheckpointPath, device);
        using var _ = model;
        var layers = ParseLayers(settings.Layers, model.LayerCount);
        Directory.CreateDirectory(settings.Out);
        var options = new AscentOptions(settings.InputSamples, settings.Steps, settings.StepSize, settings.Seed,
            Enum.Parse<AscentBatchNorm>(settings.BatchNorm, ignoreCase: true));
        var written = new List<string>();
        var lines = new List<string>();

        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                foreach (var layer in layers)
                {
                    var task = ctx.AddTask($"layer {layer}: {model.Filters(layer)} filters", maxValue: options.Steps);
                    var ascent = FilterAscent.Run(model, layer, options, device, new SynchronousProgress<int>(s => task.Value = s), cancellationToken);
                    task.Value = task.MaxValue;
                    var spectra = FilterSpectra.OfInputs(ascent.Inputs, ModelSpec.SampleRate);
                    var stem = Path.Combine(settings.Out, $"layer{layer}");
                    FilterPictures.WriteSpectra(stem + "-spectra.png", spectra, $"{state.Model}, layer {layer}: spectra of the inputs that excite each filter");
                    FilterPictures.WriteWaveforms(stem + "-waveforms.png", ascent.Inputs, 16, $"{state.Model}, layer {layer}: first filters' inputs");
                    FilterPictures.WritePeaks(stem + "-peaks.csv", spectra, ascent);
                    written.AddRange([stem + "-spectra.png", stem + "-waveforms.png", stem + "-peaks.csv"]);
                    if (layer == 1 && model.FirstLayerWeights() is { } weights)
                    {
                        var responses = FilterSpectra.OfResponses(weights, ModelSpec.SampleRate, settings.InputSamples);
                        FilterPictures.WriteSpectra(stem + "-responses.png", responses, $"{state.Model}, layer 1: frequency responses of the {weights.GetLength(1)}-tap filters");
                        written.Add(stem + "-responses.png");
                    }
                    int dead = ascent.Dead.Count();
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"layer {layer}: {ascent.Filters - dead}/{ascent.Filters} filters converged ({dead} dead), peaks at {spectra.Quantile(0.25):F0} / {spectra.MedianPeakHz:F0} / {spectra.Quantile(0.75):F0} Hz (quartiles), sorted peaks fit a mel scale with R^2 {spectra.MelFitR2:F3}, a linear one with R^2 {spectra.LinearFitR2:F3}"));
                }
            });
        foreach (var line in lines) console.WriteLine(line);
        console.WriteLine(options.BatchNorm == AscentBatchNorm.Input
            ? "(BatchNorm with each input's own statistics, as the authors' code; the model's running statistics untouched)"
            : "(BatchNorm with the running statistics, as in eval mode)");
        console.MarkupLineInterpolated($"wrote {written.Count} files to {settings.Out}");
        return 0;
    }

    /// <summary>"1-6", "2,4", "3": layers within 1..count.</summary>
    static int[] ParseLayers(string text, int count)
    {
        var layers = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new ArgumentException($"--layers '{text}': expected a range like 1-6 or a list like 1,3,5");
            int from = int.Parse(bounds[0], CultureInfo.InvariantCulture), to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (from < 1 || to > count || from > to) throw new ArgumentException($"--layers '{text}': this model has layers 1-{count}");
            for (int l = from; l <= to; l++) layers.Add(l);
        }
        return layers.ToArray();
    }
}
