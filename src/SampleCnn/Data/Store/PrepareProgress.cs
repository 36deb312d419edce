namespace SampleCnn.Data.Store;

/// <summary>Progress of a prepare: clips done of the total in this listing, and those done before a resume.</summary>
public readonly record struct PrepareProgress(int Done, int Total, int Resumed, int Skipped);
