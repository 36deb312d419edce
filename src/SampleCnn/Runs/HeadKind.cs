namespace SampleCnn.Runs;

/// <summary>
/// The new head trained on a frozen body: the output layer on the 512-wide vector it reads (<c>Linear</c>), or a
/// hidden dense 512 + BatchNorm + ReLU before it (<c>Mlp</c>, the spec's <c>+dense-head</c>).
/// </summary>
public enum HeadKind { Linear, Mlp }
