using System.Diagnostics;
using System.Text.Json;
using SampleCnn.Audio;
using SampleCnn.Data;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Trains a model on a store's train split with the paper's recipe, validating every epoch, and keeps
/// a run folder from which an interrupted run continues exactly (same seed, same machine: same metrics).
/// </summary>
public static class Trainer
{
    /// <param name="initFrom">Weights to start from: a SampleCnn checkpoint or a PyTorch state_dict (.pth).</param>
    public static TrainingResult Run(SegmentStore store, RunFolder run, TrainingOptions options, Device device,
        bool resume = false, string? initFrom = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        var spec = ModelSpec.Parse(options.Model);
        var tags = store.Vocabulary.Tags.ToArray();
        if (resume)
        {
            if (!File.Exists(run.Last)) throw new FileNotFoundException($"{run.Last}: nothing to resume (no last checkpoint in the run folder)");
            var saved = JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(run.Config), StoreManifest.Json)!;
            options = saved with { MaxEpochs = options.MaxEpochs ?? saved.MaxEpochs, MaxMinutes = options.MaxMinutes };
            spec = ModelSpec.Parse(options.Model);
        }
        else
        {
            if (Directory.Exists(run.Path) && Directory.EnumerateFileSystemEntries(run.Path).Any())
                throw new IOException($"{run.Path}: the run folder is not empty; use --resume to continue it, or another folder");
            Directory.CreateDirectory(run.Path);
            options = options with { Store = Path.GetFullPath(store.Folder) };
            StoreWriter.WriteAtomically(run.Config, JsonSerializer.Serialize(options with { MaxMinutes = null }, StoreManifest.Json));
        }

        manual_seed(options.Seed);
        using var model = new TaggingCnn(spec, tags.Length, options.Dropout);
        model.to(device);
        var optimizer = NewOptimizer(model, options, options.LearningRates[0]);
        var state = new TrainingState(spec.ToString(), tags, options.Dropout, 0, 0, double.PositiveInfinity, 0, null, Checkpoint.CaptureRng());

        if (resume)
        {
            var saved = Checkpoint.ReadState(run.Last);
            store.Vocabulary.RequireSame(saved.Tags, store.Folder, "run's");
            optimizer = NewOptimizer(model, options, options.LearningRates[saved.Stage]);
            state = Checkpoint.Load(run.Last, model, optimizer);
            Checkpoint.RestoreRng(state.RngState);
            MetricsLog.TruncateAfter(run.Metrics, state.Epoch);
            if (state.Finished == LearningRateStages.LastStageEnded) return new TrainingResult(state, MetricsLog.Read(run.Metrics), run.Path);
            state = state with { Finished = null };
        }
        else if (initFrom is not null)
            InitialWeights.Load(initFrom, model, tags);

        var plan = new SegmentPlan((int)spec.InputSamples, options.SegmentsPerClip, options.SegmentHop ?? (int)spec.InputSamples);
        var train = new BatchLoader(store, Split.Train, plan);
        var valid = new BatchLoader(store, Split.Valid, plan);
        if (train.SegmentCount == 0) throw new InvalidDataException($"{store.Folder}: the train split has no segments for {spec}");
        if (valid.SegmentCount == 0) throw new InvalidDataException($"{store.Folder}: the valid split has no segments for {spec}");

        var board = utils.tensorboard.SummaryWriter(run.TensorBoard);
        var invocation = Stopwatch.StartNew();
        while (state.Finished is null)
        {
            cancel.ThrowIfCancellationRequested();
            if (options.MaxEpochs is { } limit && state.Epoch >= limit)
            {
                state = state with { Finished = $"--max-epochs {limit} reached" };
                break;
            }
            int epoch = state.Epoch + 1;
            double rate = options.LearningRates[state.Stage];
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate; // the stage sets the rate, also after a resume
            var clock = Stopwatch.StartNew();
            double trainLoss = TrainEpoch(model, optimizer, train, options, device, epoch, state.Stage, rate, progress, cancel);
            double seconds = clock.Elapsed.TotalSeconds;
            progress?.Report(new TrainingProgress(epoch, state.Stage, rate, 0, 0, trainLoss, train.SegmentCount / seconds, Validating: true));
            var predictions = ClipPredictions.Compute(model, valid, device, cancel: cancel);
            var metrics = predictions.ClipMetrics(store.Vocabulary);
            if (!double.IsFinite(predictions.Loss)) throw new TrainingDivergedException(epoch, 0, predictions.Loss);

            var (next, decision) = LearningRateStages.After(state with { Epoch = epoch }, predictions.Loss, options.Patience, options.LearningRates.Length);
            next = next with { RngState = Checkpoint.CaptureRng() };
            if (decision == LearningRateStages.Decision.NewBest) Checkpoint.Save(run.Best, next, model, optimizer);
            if (decision == LearningRateStages.Decision.NextStage)
            {
                // As the paper's code: continue from the best weights with a fresh optimizer at the next rate.
                Checkpoint.Load(run.Best, model);
                optimizer = NewOptimizer(model, options, options.LearningRates[next.Stage]);
            }
            if (options.MaxEpochs is { } maxEpochs && epoch >= maxEpochs && next.Finished is null) next = next with { Finished = $"--max-epochs {maxEpochs} reached" };
            if (options.MaxMinutes is { } minutes && invocation.Elapsed.TotalMinutes >= minutes && next.Finished is null) next = next with { Finished = $"--max-minutes {minutes} reached" };

            var row = new EpochMetrics(epoch, state.Stage, rate, trainLoss, predictions.Loss, metrics.MacroRocAuc, metrics.MacroAveragePrecision,
                Math.Round(clock.Elapsed.TotalSeconds, 3), Math.Round(train.SegmentCount / seconds, 2));
            MetricsLog.Append(run.Metrics, row);
            Checkpoint.Save(run.Last, next, model, optimizer);
            board.add_scalar("loss/train", (float)trainLoss, epoch);
            board.add_scalar("loss/valid", (float)predictions.Loss, epoch);
            board.add_scalar("valid/roc_auc", (float)metrics.MacroRocAuc, epoch);
            board.add_scalar("valid/pr_auc", (float)metrics.MacroAveragePrecision, epoch);
            board.add_scalar("learning_rate", (float)rate, epoch);
            state = next;
        }
        return new TrainingResult(state, MetricsLog.Read(run.Metrics), run.Path);
    }

    static TorchSharp.Modules.SGD NewOptimizer(TaggingCnn model, TrainingOptions options, double rate) =>
        new SGD(model.parameters(), rate, options.Momentum, options.Nesterov, options.WeightDecay);

    static double TrainEpoch(TaggingCnn model, TorchSharp.Modules.SGD optimizer, BatchLoader loader, TrainingOptions options, Device device,
        int epoch, int stage, double rate, IProgress<TrainingProgress>? progress, CancellationToken cancel)
    {
        model.train();
        double lossSum = 0;
        long seen = 0;
        int batches = (loader.SegmentCount + options.BatchSize - 1) / options.BatchSize, index = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch(epoch, options.BatchSize, options.Seed, cancel))
        {
            index++;
            using var scope = NewDisposeScope();
            var (inputs, targets) = batch.ToTensors(device);
            optimizer.zero_grad();
            var loss = nn.functional.binary_cross_entropy_with_logits(model.Logits(inputs), targets);
            var value = loss.item<float>();
            if (!float.IsFinite(value)) throw new TrainingDivergedException(epoch, index, value);
            loss.backward();
            optimizer.step();
            lossSum += value * batch.Count;
            seen += batch.Count;
            progress?.Report(new TrainingProgress(epoch, stage, rate, index, batches, lossSum / seen, seen / clock.Elapsed.TotalSeconds, Validating: false));
        }
        return lossSum / seen;
    }
}
