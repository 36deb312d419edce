using System.Globalization;
using SampleCnn.Inference;
using SampleCnn.Models;
using static TorchSharp.torch;

namespace SampleCnn.Visualization;

/// <summary>
/// `visualize`: for each chosen layer of a trained model, the inputs that excite each filter (<see cref="FilterAscent"/>),
/// their spectra sorted by peak, waveforms and peaks (<see cref="FilterPictures"/>), and for the first layer of a
/// waveform model the frequency responses of its filters, written as layerN-*.png/csv in one folder.
/// </summary>
public static class FilterVisualization
{
    /// <param name="layers">"1-6", "2,4" or "3": layers within those of the model.</param>
    public static FilterVisualizationResult Run(string modelPath, ModelOpenOptions modelOptions, string layers, AscentOptions options, string folder,
        Device device, IProgress<AscentStep>? progress = null, CancellationToken cancel = default)
    {
        using var opened = TrainedModel.OpenCnn(modelPath, modelOptions, device, "visualized");
        var model = opened.Cnn!;
        var spec = opened.Info.Spec;
        var chosen = ParseLayers(layers, model.LayerCount);
        Directory.CreateDirectory(folder);
        var summaries = new List<LayerSummary>();
        foreach (var layer in chosen)
        {
            var filters = model.Filters(layer);
            progress?.Report(new AscentStep(layer, filters, 0, options.Steps));
            var ascent = FilterAscent.Run(model, layer, options, device,
                progress is null ? null : s => progress.Report(new AscentStep(layer, filters, s, options.Steps)), cancel);
            progress?.Report(new AscentStep(layer, filters, options.Steps, options.Steps));
            var spectra = FilterSpectra.OfInputs(ascent.Inputs, model.Spec.SampleRate);
            var stem = Path.Combine(folder, $"layer{layer}");
            FilterPictures.WriteSpectra(stem + "-spectra.png", spectra, $"{spec}, layer {layer}: spectra of the inputs that excite each filter");
            FilterPictures.WriteWaveforms(stem + "-waveforms.png", ascent.Inputs, 16, $"{spec}, layer {layer}: first filters' inputs");
            FilterPictures.WritePeaks(stem + "-peaks.csv", spectra, ascent);
            var written = new List<string> { stem + "-spectra.png", stem + "-waveforms.png", stem + "-peaks.csv" };
            if (layer == 1 && model.FirstLayerWeights() is { } weights)
            {
                var responses = FilterSpectra.OfResponses(weights, model.Spec.SampleRate, options.InputSamples);
                FilterPictures.WriteSpectra(stem + "-responses.png", responses, $"{spec}, layer 1: frequency responses of the {weights.GetLength(1)}-tap filters");
                written.Add(stem + "-responses.png");
            }
            summaries.Add(new LayerSummary(layer, ascent.Filters, ascent.Dead.Count(), spectra.Quantile(0.25), spectra.MedianPeakHz, spectra.Quantile(0.75),
                spectra.MelFitR2, spectra.LinearFitR2, written));
        }
        return new FilterVisualizationResult(opened.Info, folder, options.BatchNorm, summaries);
    }

    /// <summary>"1-6", "2,4", "3": layers within 1..count, in order, each once.</summary>
    internal static int[] ParseLayers(string text, int count)
    {
        var layers = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new ArgumentException($"layers '{text}': expected a range like 1-6 or a list like 1,3,5");
            int from = int.Parse(bounds[0], CultureInfo.InvariantCulture), to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (from < 1 || to > count || from > to) throw new ArgumentException($"layers '{text}': this model has layers 1-{count}");
            for (int l = from; l <= to; l++) layers.Add(l);
        }
        return layers.ToArray();
    }
}
