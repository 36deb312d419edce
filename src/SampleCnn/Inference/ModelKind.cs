namespace SampleCnn.Inference;

/// <summary>What a model file is (a run folder opens as its checkpoint).</summary>
public enum ModelKind { Checkpoint, StateDict, TorchScript }
