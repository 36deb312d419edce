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
/// The faster training step (ReLU after the max-pool, the pool as a max over a view, gradients dropped instead of
/// zeroed) gives the old step's weights; bfloat16 autocast trains on fp32 master weights.
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
        // Ours: the module's forward and our SGD (gradients set to none). Old: ReLU, then libtorch's max_pool1d, and
        // TorchSharp's SGD (gradients filled with zeros), as the step was before.
        var ourOptimizer = new SGD(ours.parameters(), 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3);
        var oldOptimizer = optim.SGD(old.parameters(), 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3);
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = Inputs(step);
            var weights = randn(6, 16, 81);
            var ourInput = x.clone().requires_grad_();
            var oldInput = x.clone().requires_grad_();
            ourOptimizer.zero_grad();
            oldOptimizer.zero_grad();
            var ourOutput = ours.forward(ourInput);
            var oldOutput = nn.functional.max_pool1d(old.Activation(oldInput), 3);
            Assert.Equal(0f, (ourOutput - oldOutput).abs().max().item<float>());
            (ourOutput * weights).sum().backward();
            (oldOutput * weights).sum().backward();
            Assert.Equal(0f, (ourInput.grad! - oldInput.grad!).abs().max().item<float>());
            ourOptimizer.step();
            oldOptimizer.step();
        }
        // Within 1e-6: the same operations on the same numbers (equal here, but summation order is libtorch's to choose).
        var oldState = old.state_dict();
        foreach (var (name, value) in ours.state_dict())
            Assert.True((value.to(ScalarType.Float64) - oldState[name].to(ScalarType.Float64)).abs().max().item<double>() <= 1e-6, name);
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
