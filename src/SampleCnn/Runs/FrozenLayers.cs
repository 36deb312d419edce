namespace SampleCnn.Runs;

/// <summary>What training leaves unchanged: nothing, or the body (every layer before the new head).</summary>
public enum FrozenLayers { None, Body }
