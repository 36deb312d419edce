using SampleCnn.Data.Store;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tests.Audio;
using SampleCnn.Training;
using TorchSharp;
using static TorchSharp.torch;
using SGD = SampleCnn.Training.SGD;

namespace SampleCnn.Tests.Training;

/// <summary>
/// The faster training step (ReLU after the max-pool, the channels-last layout, gradients dropped instead of zeroed)
/// gives the old step's weights within float rounding; bfloat16 autocast trains on fp32 master weights.
/// </summary>
public sealed class TrainingStepTests
{
    /// <summary>Inputs with ties in every window (a third of them zero, the rest from three values) and random ones.</summary>
    static Tensor Inputs(int seed)
    {
        manual_seed(seed);
        var ties = randint(-1, 2, [3, 8, 243]).to(ScalarType.Float32);
        return cat([ties, randn(3, 8, 243)], 0);
    }

    [Fact]
    public void TheNewModuleStepGivesTheOldStepsWeightsAfterSeveralSteps()
    {
        manual_seed(11);
        using var ours = new ConvModule(8, 16, 3, squeezeExcite: false);
        manual_seed(11);
        using var old = new ConvModule(8, 16, 3, squeezeExcite: false);
        ours.train();
        old.train();
        // Ours: the module's forward (channels-last) and our SGD (gradients set to none). Old: contiguous conv1d, BatchNorm,
        // ReLU, then libtorch's max_pool1d, and TorchSharp's SGD (gradients filled with zeros), as the step was before.
        // The channels-last kernels sum in another order: equal within float rounding (values and gradients are O(1)).
        // A tie in a window resolved otherwise would move a whole gradient (O(1)) to another sample.
        var ourOptimizer = new SGD(ours.parameters(), 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3);
        var oldOptimizer = optim.SGD(old.parameters(), 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3);
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = Inputs(step);
            var weights = randn(6, 16, 81);
            // Odd steps: the input as the previous layer hands it over, stored channels-last.
            var ourInput = (step % 2 == 0 ? x.clone() : x.transpose(1, 2).contiguous().transpose(1, 2)).requires_grad_();
            var oldInput = x.clone().requires_grad_();
            ourOptimizer.zero_grad();
            oldOptimizer.zero_grad();
            var ourOutput = ours.forward(ourInput);
            var oldOutput = nn.functional.max_pool1d(old.Activation(oldInput), 3);
            Assert.Equal(1, ourOutput.stride(1)); // channels-last
            var outputDifference = (ourOutput - oldOutput).abs().max().item<float>();
            Assert.True(outputDifference <= Rounding, $"step {step}: outputs differ by {outputDifference}");
            (ourOutput * weights).sum().backward();
            (oldOutput * weights).sum().backward();
            var gradientDifference = (ourInput.grad! - oldInput.grad!).abs().max().item<float>();
            Assert.True(gradientDifference <= Rounding, $"step {step}: input gradients differ by {gradientDifference}");
            ourOptimizer.step();
            oldOptimizer.step();
        }
        AssertSameState(ours, old);
    }

    /// <summary>
    /// Float rounding of O(1) values through BatchNorm's sums over a thousand terms in another order, grown over steps;
    /// a layout error, or a tie resolved otherwise, is O(1).
    /// </summary>
    const float Rounding = 1e-4f;

    static void AssertSameState(nn.Module ours, nn.Module old)
    {
        var oldState = old.state_dict();
        foreach (var (name, value) in ours.state_dict())
        {
            var expected = oldState[name].to(ScalarType.Float64);
            // Relative: the running variance is not O(1).
            Assert.True(((value.to(ScalarType.Float64) - expected).abs() / expected.abs().clamp_min(1)).max().item<double>() <= Rounding, name);
        }
    }

    [Fact]
    public void TheFrontEndsChannelsLastStepGivesTheContiguousStepsGradients()
    {
        manual_seed(5);
        using var frontEnd = new WaveformFrontEnd(3, 16);
        frontEnd.train();
        var parameters = frontEnd.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var x = randn(5, 1, 729)[1..]; // a slice: its storage starts before it
        var weights = randn(4, 16, 243);
        var ours = frontEnd.forward(x);
        Assert.Equal(1, ours.stride(1)); // channels-last
        (ours * weights).sum().backward();
        var ourGradients = parameters.ToDictionary(p => p.Key, p => p.Value.grad!.clone());
        frontEnd.zero_grad();
        // The contiguous step: conv1d, batch statistics, ReLU.
        var old = nn.functional.relu(nn.functional.batch_norm(nn.functional.conv1d(x, parameters["conv.weight"], parameters["conv.bias"], stride: 3),
            null, null, parameters["bn.weight"], parameters["bn.bias"], training: true));
        Assert.True((ours - old).abs().max().item<float>() <= Rounding);
        (old * weights).sum().backward();
        foreach (var (name, parameter) in parameters)
            Assert.True((ourGradients[name] - parameter.grad!).abs().max().item<float>() <= Rounding, name);
    }

    [Fact]
    public void InferenceKeepsTheContiguousLayout()
    {
        using var module = new ConvModule(8, 16, 3, squeezeExcite: false);
        var x = randn(2, 8, 27);
        module.train();
        using (no_grad()) Assert.True(module.forward(x).is_contiguous());
        module.eval();
        Assert.True(module.forward(x).is_contiguous());
    }

    [Fact]
    public void TheOptimizerDropsTheGradients()
    {
        using var module = nn.Linear(3, 2);
        var optimizer = new SGD(module.parameters(), 0.1, momentum: 0.9, nesterov: true, weightDecay: 0);
        module.forward(ones(4, 3)).sum().backward();
        Assert.All(module.parameters(), p => Assert.NotNull(p.grad));
        optimizer.zero_grad();
        Assert.All(module.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Bf16AutocastRunsTheConvolutionsInBf16AndGivesFp32GradientsToFp32Weights()
    {
        using var conv = nn.Conv1d(2, 4, 3);
        var x = randn(2, 2, 9);
        Tensor y;
        using (new Autocast(DeviceType.CPU))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            y = conv.forward(x);
        }
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.BFloat16, y.dtype);
        y.to(ScalarType.Float32).sum().backward();
        Assert.Equal(ScalarType.Float32, conv.weight!.dtype);
        Assert.Equal(ScalarType.Float32, conv.weight!.grad!.dtype);
        Assert.Equal(ScalarType.Float32, conv.forward(x).dtype); // off again after the scope
    }

    [Fact]
    public void TrainingInBf16RunsWithFiniteLossesOnFp32WeightsAndIsRecorded()
    {
        using var scratch = new Fixtures.Scratch();
        using var store = SegmentStore.Open(TinyDataset.Create(scratch.Folder));
        var options = new TrainingOptions { Model = "3^5", Seed = 3, MaxEpochs = 2 };
        var fp32 = Trainer.Run(store, new RunFolder(Path.Combine(scratch.Folder, "fp32")), options, CPU);
        var run = new RunFolder(Path.Combine(scratch.Folder, "bf16"));
        var bf16 = Trainer.Run(store, run, options with { Precision = TrainingPrecision.Bf16 }, CPU);
        Assert.All(bf16.Metrics, m => Assert.True(double.IsFinite(m.TrainLoss) && double.IsFinite(m.ValidLoss), $"{m.TrainLoss} {m.ValidLoss}"));
        Assert.NotEqual(fp32.Metrics[^1].TrainLoss, bf16.Metrics[^1].TrainLoss); // the forward pass did run in bf16
        Assert.Equal(TrainingPrecision.Bf16, run.ReadConfig().Precision);
        var (model, _) = Checkpoint.LoadModel(run.Last);
        using (model) Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }
}
