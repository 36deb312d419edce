namespace SampleCnn.Data.Sources;

/// <summary>Which part of a dataset a clip belongs to.</summary>
public enum Split { Train, Valid, Test }
