namespace SampleCnn.Visualization;

/// <summary>
/// Which statistics BatchNorm uses during the ascent. <see cref="Input"/> (the authors' code, which runs the
/// network in Keras's training phase on one input): each input's own mean and variance per channel, so a
/// channel's offset is normalised away. <see cref="Eval"/>: the running statistics of eval mode, where the
/// ascent can raise a filter's mean by pushing an offset instead. Neither changes the running statistics.
/// </summary>
public enum AscentBatchNorm { Input, Eval }
