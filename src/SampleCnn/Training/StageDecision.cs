namespace SampleCnn.Training;

/// <summary>What to do after an epoch (<see cref="LearningRateStages.After"/>).</summary>
internal enum StageDecision { Continue, NewBest, NextStage, Finish }
