using System.Reflection;
using SampleCnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Platform;

/// <summary>
/// Our code passes libtorch no Scalar that only the garbage collector keeps alive (see KeptScalars), and its
/// own BatchNorm forward and SGD step compute exactly what TorchSharp's do.
/// </summary>
public class ScalarLifetimeTests
{
    /// <summary>
    /// TorchSharp 0.107 members that make a temporary Scalar and pass its handle on (read in its sources):
    /// every implicit conversion, operators with a number or Scalar operand and Tensor + Tensor (alpha 1),
    /// add/add_/addcdiv without alpha, square() (pow(2)), arange without an explicit step, and the SGD
    /// factories (whose step makes one per alpha; Training.SGD replaces it).
    /// </summary>
    static bool MakesATemporaryScalar(MethodBase method)
    {
        var parameters = method.GetParameters().Select(p => p.ParameterType).ToArray();
        var type = method.DeclaringType;
        if (type == typeof(Scalar)) return method.Name == "op_Implicit";
        if (type == typeof(Tensor))
            return method.Name switch
            {
                "op_Addition" => true,
                "op_Subtraction" or "op_Multiply" or "op_Division" or "op_Modulus" => parameters.Any(p => p != typeof(Tensor)),
                "add" or "add_" or "addcdiv" or "addcdiv_" => parameters.Length == (method.Name.StartsWith("addcdiv") ? 2 : 1),
                "square" or "square_" => true,
                _ => false,
            };
        if (type == typeof(torch)) return method.Name == "arange" && parameters.TakeWhile(p => p == typeof(Scalar)).Count() < 3;
        return type == typeof(optim) && method.Name == "SGD";
    }

    [Fact]
    public void NoMethodOfOursCallsATorchSharpMemberThatMakesATemporaryScalar()
    {
        var offenders = new SortedSet<string>();
        foreach (var assembly in new[] { typeof(TaggingCnn).Assembly, typeof(SampleCnn.Cli.SampleCnnApp).Assembly })
            foreach (var (caller, callee) in IlReferences.Calls(assembly))
                if (callee.DeclaringType?.Assembly == typeof(Scalar).Assembly && MakesATemporaryScalar(callee))
                    offenders.Add($"{caller.DeclaringType}.{caller.Name} calls {callee.DeclaringType!.Name}.{callee.Name}({string.Join(", ", callee.GetParameters().Select(p => p.ParameterType.Name))})");
        Assert.Empty(offenders);
    }

    [Fact]
    public void TheScanFindsATemporaryScalar()
    {
        var found = IlReferences.Calls(typeof(ScalarLifetimeTests).Assembly)
            .Where(c => c.Caller.Name == nameof(PassesATemporary) && MakesATemporaryScalar(c.Callee)).Select(c => c.Callee.Name);
        Assert.Equal(["op_Multiply", "op_Implicit", "add_"], found);
    }

    static Tensor PassesATemporary(Tensor x) => (x * 2).pow(3).add_(x);

    [Fact]
    public void NormalizeComputesWhatBatchNormForwardDoes()
    {
        manual_seed(1);
        using var theirs = nn.BatchNorm1d(6, momentum: 0.3);
        using var ours = nn.BatchNorm1d(6, momentum: 0.3);
        using (no_grad())
        {
            theirs.weight.uniform_(0.5, 1.5);
            ours.weight.copy_(theirs.weight);
        }
        foreach (var training in new[] { true, true, false, true })
        {
            theirs.train(training);
            ours.train(training);
            using var x = randn(5, 6, 9) * 3;
            using var expected = theirs.forward(x);
            using var actual = BatchNormForward.Forward(ours, x);
            Assert.True(Same(expected, actual));
            Assert.True(Same(theirs.running_mean!, ours.running_mean!));
            Assert.True(Same(theirs.running_var!, ours.running_var!));
            Assert.Equal(theirs.num_batches_tracked!.item<long>(), ours.num_batches_tracked!.item<long>());
        }
        Assert.Equal(3, ours.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void SgdStepsExactlyAsTorchSharpsSgdAndSharesItsState()
    {
        var (theirModel, ourModel) = (TwinModel(), TwinModel());
        var theirs = optim.SGD(theirModel.parameters(), 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3);
        var ours = new SampleCnn.Training.SGD(ourModel.parameters(), 0.05, 0.9, nesterov: true, weightDecay: 1e-3);
        manual_seed(2);
        for (int step = 0; step < 4; step++)
        {
            using var x = randn(7, 1, theirModel.Spec.InputSamples);
            foreach (var (model, optimizer) in new (TaggingCnn, TorchSharp.Modules.SGD)[] { (theirModel, theirs), (ourModel, ours) })
            {
                optimizer.zero_grad();
                using var loss = model.Logits(x).square().mean();
                loss.backward();
                optimizer.step();
            }
            foreach (var (a, b) in theirModel.parameters().Zip(ourModel.parameters()))
                Assert.True(Same(a, b), $"step {step}");
        }
        // Its state saves and loads as SGD's, so checkpoints are unchanged.
        using var saved = new MemoryStream();
        ours.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        var reloaded = optim.SGD(TwinModel().parameters(), 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3);
        reloaded.load_state_dict(new BinaryReader(saved));
        foreach (var (a, b) in reloaded.state_dict().State.Zip(theirs.state_dict().State))
            Assert.True(Same(((TorchSharp.Modules.SGD.State)a).momentum_buffer, ((TorchSharp.Modules.SGD.State)b).momentum_buffer));
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static TaggingCnn TwinModel()
    {
        manual_seed(4);
        var model = new TaggingCnn(ModelSpec.Parse("3^4"), 3, dropout: 0);
        model.train();
        return model;
    }
}
