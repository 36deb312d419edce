namespace SampleCnn.Evaluation;

/// <summary>A model's tag matched to a store's tag that is spelled differently ("noVocals" for "no vocals").</summary>
public sealed record TagSpelling(string Model, string Store);
