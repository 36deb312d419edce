using SampleCnn.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SampleCnn.Models;

/// <summary>
/// The settings every BatchNorm of a model is built with. The defaults are PyTorch's (epsilon 1e-5, momentum
/// 0.1); the paper does not state them. The authors' Keras 1.1 models used epsilon 1e-5 and Keras momentum
/// 0.99, which is <c>Momentum = 0.01</c> here: PyTorch's momentum is the weight of the new batch statistic,
/// Keras's the weight of the running average.
/// </summary>
/// <param name="Epsilon">Added to the variance before the square root.</param>
/// <param name="Momentum">Weight of each batch's statistics in the running mean and variance.</param>
public sealed record BatchNormSettings(double Epsilon = BatchNormSettings.DefaultEpsilon, double Momentum = BatchNormSettings.DefaultMomentum)
{
    public const double DefaultEpsilon = 1e-5, DefaultMomentum = 0.1;

    public static readonly BatchNormSettings PyTorch = new();

    internal BatchNorm1d Create(long features) => nn.BatchNorm1d(features, Epsilon, Momentum);

    /// <param name="epsilonOption">The option that set <see cref="Epsilon"/>, named in the error (the options record's property).</param>
    /// <param name="momentumOption">The option that set <see cref="Momentum"/>.</param>
    public void Validate(string epsilonOption = nameof(Epsilon), string momentumOption = nameof(Momentum))
    {
        if (!(Epsilon > 0)) throw new OptionException(epsilonOption, "BatchNorm epsilon", Epsilon, "must be positive");
        if (Momentum is <= 0 or > 1) throw new OptionException(momentumOption, "BatchNorm momentum", Momentum, "must be in (0, 1]");
    }
}
