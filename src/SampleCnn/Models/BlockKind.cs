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
}
