using System.Text.Json.Serialization;
using SampleCnn.Models;

namespace SampleCnn.Runs;

/// <summary>
/// Where training stands after an epoch or in the middle of one: enough, with the weights and optimizer
/// state, to continue exactly.
/// </summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Stage">Index of the current learning-rate stage.</param>
/// <param name="BestValidLoss">Lowest validation loss so far (the best checkpoint's).</param>
/// <param name="EpochsWithoutImprovement">Epochs since the validation loss last improved.</param>
/// <param name="Finished">Why training stopped, or null while it goes on.</param>
/// <param name="InEpoch">Null at an epoch's end; in a mid-epoch checkpoint, how far epoch <c>Epoch + 1</c> got.</param>
/// <param name="BatchNorm">The model's BatchNorm settings (null in older checkpoints: PyTorch's defaults).</param>
/// <param name="StageStartEpoch">Epochs completed when the current stage began (counts updates for the rate decay).</param>
public sealed record TrainingState(string Model, string[] Tags, double Dropout, int Epoch, int Stage, double BestValidLoss,
    int EpochsWithoutImprovement, [property: JsonConverter(typeof(StopReasonJson))] StopReason? Finished, EpochPosition? InEpoch = null, BatchNormSettings? BatchNorm = null, int StageStartEpoch = 0);
