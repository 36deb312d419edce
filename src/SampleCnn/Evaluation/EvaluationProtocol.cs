namespace SampleCnn.Evaluation;

/// <summary>Which segments of a clip are scored, so a figure can be compared with the one its authors report.</summary>
public enum EvaluationProtocol
{
    /// <summary>The paper's (Lee et al. 2017): consecutive segments from the clip's start (as the run trained, or as given).</summary>
    Paper,

    /// <summary>Won et al. 2020's: 16 segments evenly spaced over the whole clip, clip score = the mean of their sigmoids.</summary>
    Won2020,
}
