using SampleCnn.Models;
using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Visualization;

/// <summary>
/// Gradient ascent on the input, as the paper: start from x = (U(0,1) - 0.5) * 0.03, loss = mean over time
/// of one filter's activation after the ReLU, x += step * grad / (RMS(grad) + 1e-9), stop early when the
/// loss is &lt;= 0. All filters of a layer ascend together as one batch, each stopping on its own; each batch
/// item only sees its own input (BatchNorm statistics are per input or the running ones, never the batch's).
/// </summary>
internal static class FilterAscent
{
    public static AscentResult Run(TaggingCnn model, int layer, AscentOptions options, Device device, Action<int>? stepDone = null, CancellationToken cancel = default)
    {
        if (options.BatchNorm == AscentBatchNorm.Input && model.IsFolded)
            throw new ArgumentException("this model's BatchNorm is folded into its convolutions, so it cannot use each input's statistics; use the eval-mode statistics");
        model.eval();
        using var statistics = options.BatchNorm == AscentBatchNorm.Input ? BatchNormStatistics.FromEachInput() : null;
        int filters = (int)model.Filters(layer);
        var generator = new Random(Seeds.Derive(options.Seed, layer));
        var start = new float[filters * options.InputSamples];
        for (int i = 0; i < start.Length; i++) start[i] = (float)((generator.NextDouble() - 0.5) * 0.03);
        using var x = tensor(start, [filters, 1, options.InputSamples], device: device); // no temporary for the collector to free mid-call
        var active = Enumerable.Repeat(true, filters).ToArray();
        var losses = Enumerable.Range(0, filters).Select(_ => new List<double>()).ToArray();
        using Scalar filterCount = filters.ToScalar(), stepSize = options.StepSize.ToScalar(), tiny = 1e-9.ToScalar(); // kept alive: see KeptScalars
        var index = arange(KeptScalars.Zero, filterCount, KeptScalars.One, device: device);

        for (int step = 0; step < options.Steps && active.Any(a => a); step++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var input = x.detach().requires_grad_(true);
            var activation = model.Activation(input, layer);                  // [filters, channels, time]
            if (statistics is not null && activation.shape[2] < 2)
                throw new ArgumentException($"layer {layer} has {activation.shape[2]} time step for a {options.InputSamples}-sample input: normalising with the input's own statistics needs at least 2; use a longer input or the eval-mode statistics");
            var own = activation[index, index].mean([1]);                       // filter f of batch item f, mean over time
            var values = own.detach().cpu().data<float>().ToArray();
            for (int f = 0; f < filters; f++)
            {
                if (!active[f]) continue;
                losses[f].Add(values[f]);
                if (values[f] <= 0) active[f] = false;
            }
            var mask = tensor(active.Select(a => a ? 1f : 0f).ToArray(), [filters, 1, 1]).to(device);
            var gradient = autograd.grad([own.sum()], [input])[0];
            var rms = gradient.pow(KeptScalars.Two).mean([1, 2], keepdim: true).sqrt();
            using (no_grad()) x.add_((gradient / rms.add(tiny, KeptScalars.One)).mul(stepSize) * mask, KeptScalars.One);
            stepDone?.Invoke(step + 1);
        }

        var result = x.cpu().data<float>().ToArray();
        var inputs = new float[filters, options.InputSamples];
        Buffer.BlockCopy(result, 0, inputs, 0, result.Length * sizeof(float));
        return new AscentResult(layer, inputs, losses);
    }
}
