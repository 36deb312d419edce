using SampleCnn.Models;
using SampleCnn.Platform;

namespace SampleCnn.Experiments;

/// <summary>A comparison: the models trained with one recipe and budget on one store, and where it is kept.</summary>
/// <param name="Out">The comparison's folder (<see cref="ExperimentFolder"/>).</param>
/// <param name="Seed">Every model's training seed.</param>
/// <param name="SegmentsPerClip">Segments per clip for training and evaluation; null: every whole segment.</param>
public sealed record ExperimentOptions(string Store, IReadOnlyList<ModelSpec> Models, ExperimentBudget Budget, string Out, int Seed = Seeds.Default, int? SegmentsPerClip = null);
