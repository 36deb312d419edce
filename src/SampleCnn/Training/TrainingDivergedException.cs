namespace SampleCnn.Training;

/// <summary>The loss became NaN or infinite; the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException : Exception
{
    // A rate too high is one cause, not the only one: the message names where it happened so a defect of ours can be found.
    const string Advice = "the last good checkpoint is kept. A learning rate too high for the model is one cause (try lower --learning-rates); if lower rates diverge too, please report it with the run's config.json";

    /// <summary>The training loss of a batch.</summary>
    public TrainingDivergedException(int epoch, int batch, int batches, int batchSize, double loss)
        : base($"training diverged: the loss is {loss} at epoch {epoch}, batch {batch} of {batches} ({batchSize} segments); {Advice}")
    {
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>The validation loss after an epoch whose training losses were finite.</summary>
    public TrainingDivergedException(int epoch, double validLoss)
        : base($"training diverged: the validation loss is {validLoss} after epoch {epoch}, whose training losses were finite; {Advice}") => Epoch = epoch;

    public int Epoch { get; }

    /// <summary>The batch (from 1), or 0 for validation.</summary>
    public int Batch { get; }
}
