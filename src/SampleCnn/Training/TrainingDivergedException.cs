using SampleCnn.Platform;
using SampleCnn.Runs;

namespace SampleCnn.Training;

/// <summary>The loss became NaN or infinite; the last good checkpoint is kept.</summary>
internal sealed class TrainingDivergedException : Exception, IOptionMessage
{
    readonly string what;

    /// <summary>The training loss of a batch.</summary>
    public TrainingDivergedException(int epoch, int batch, int batches, int batchSize, double loss)
        : this($"training diverged: the loss is {loss} at epoch {epoch}, batch {batch} of {batches} ({batchSize} segments)", epoch, batch)
    {
    }

    /// <summary>The validation loss after an epoch whose training losses were finite.</summary>
    public TrainingDivergedException(int epoch, double validLoss)
        : this($"training diverged: the validation loss is {validLoss} after epoch {epoch}, whose training losses were finite", epoch, 0)
    {
    }

    TrainingDivergedException(string what, int epoch, int batch) : base(Advise(what, "learning rates"))
    {
        this.what = what;
        Epoch = epoch;
        Batch = batch;
    }

    public int Epoch { get; }

    /// <summary>The batch (from 1), or 0 for validation.</summary>
    public int Batch { get; }

    /// <summary>The option the advice names: lower learning rates.</summary>
    public string Option => nameof(TrainingOptions.LearningRates);

    public string MessageNaming(string name) => Advise(what, name);

    // A rate too high is one cause, not the only one: the message names where it happened so a defect of ours can be found.
    static string Advise(string what, string learningRates) =>
        $"{what}; the last good checkpoint is kept. A learning rate too high for the model is one cause (try lower {learningRates}); if lower rates diverge too, please report it with the run's config.json";
}
