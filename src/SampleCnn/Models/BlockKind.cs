namespace SampleCnn.Models;

/// <summary>The block repeated n times after the front end.</summary>
public enum BlockKind
{
    /// <summary>Conv + BN + ReLU + max-pool (Lee et al. 2017).</summary>
    Plain,
    /// <summary>Plain block with squeeze-and-excitation after the ReLU (Kim, Lee, Nam 2018).</summary>
    SqueezeExcite,
    /// <summary>Two convs with a residual connection and SE, then max-pool (ReSE-2, Kim, Lee, Nam 2018).</summary>
    ReSe2,
    /// <summary>
    /// ReSE-2 as Won et al. 2020 build it: on every layer (layer 1 strided, the last conv with kernel 1), SE without a
    /// bottleneck (C -> C), and a shortcut projected by a conv of the block's kernel and stride + BN when the stride or
    /// channel count changes.
    /// </summary>
    ReSe2Won,
}
