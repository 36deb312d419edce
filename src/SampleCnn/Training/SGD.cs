using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// TorchSharp 0.107's SGD step (momentum, dampening, Nesterov, weight decay), the same operations in the
/// same order, with its numbers passed as Scalars held until the step ends: TorchSharp's own step makes a
/// temporary Scalar for every alpha and momentum factor (see <see cref="KeptScalars"/>). State and
/// checkpoints are the base class's; the class name is too, because TorchSharp writes it into the
/// optimizer's saved state and refuses to load a state saved under another.
/// </summary>
internal sealed class SGD(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double momentum, bool nesterov, double weightDecay)
    : TorchSharp.Modules.SGD(parameters, learningRate, momentum, dampening: 0, weightDecay, nesterov, maximize: false)
{
    /// <summary>
    /// Drops the gradients instead of filling them with zeros (PyTorch 2's default): the backward pass then hands
    /// its fresh gradient over instead of adding it to zeros, the same numbers, and the gradients' memory is freed
    /// with the activations' between steps, which keeps the heap from fragmenting (the peak resident memory of a step).
    /// </summary>
    public override void zero_grad()
    {
        foreach (var group in _parameter_groups)
            foreach (var parameter in group.Parameters) parameter.grad = null;
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value, decay = options.weight_decay!.Value, rate = options.LearningRate!.Value;
        using Scalar momentumFactor = momentum.ToScalar(), decayFactor = decay.ToScalar(),
            gradientFactor = (1 - options.dampening!.Value).ToScalar(), stepFactor = (options.maximize!.Value ? rate : -rate).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null) continue;
            if (decay != 0) gradient = gradient.add(parameter, decayFactor);
            if (momentum != 0)
            {
                var state = (State)_state[parameter.Handle];
                var buffer = state.momentum_buffer;
                if (buffer is null) state.momentum_buffer = buffer = gradient.clone().detach().DetachFromDisposeScope();
                else buffer.mul_(momentumFactor).add_(gradient, gradientFactor);
                gradient = options.nesterov!.Value ? gradient.add(buffer, momentumFactor) : buffer;
            }
            parameter.add_(gradient, stepFactor);
        }
    }, closure);
}
