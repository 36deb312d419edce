namespace SampleCnn.Models;

/// <summary>A part whose BatchNorm can be folded into the convolution before it, for inference.</summary>
internal interface IFoldable
{
    /// <summary>Folds; afterwards the part skips its BatchNorm and is for inference only.</summary>
    void FoldBatchNorm();
}
