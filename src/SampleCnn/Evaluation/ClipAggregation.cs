namespace SampleCnn.Evaluation;

/// <summary>How a clip's segment scores become the clip's score.</summary>
public enum ClipAggregation { Mean, Max }
