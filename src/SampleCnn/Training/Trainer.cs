using System.Diagnostics;
using SampleCnn.Audio.Signal;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Training;

/// <summary>
/// Trains a model on a store's train split with the paper's recipe, validating every epoch, and keeps
/// a run folder from which an interrupted run continues exactly (same seed, same machine: same metrics).
/// </summary>
public static class Trainer
{
    /// <param name="initFrom">Weights to start from: a SampleCnn checkpoint or a PyTorch state_dict (.pth); or <see cref="TrainingOptions.InitFrom"/>.</param>
    public static TrainingResult Run(SegmentStore store, RunFolder run, TrainingOptions options, Device device,
        bool resume = false, string? initFrom = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (initFrom is not null) options = options with { InitFrom = initFrom };
        if (!resume) options.Validate();
        if (resume && !run.WasStarted) throw new FileNotFoundException($"{run.Config}: nothing to resume (no run was started in this folder)");
        using var writerLock = WriterLock.Acquire(run.Path, "run folder");
        if (resume)
        {
            var saved = run.ReadConfig();
            options = saved with { MaxEpochs = options.MaxEpochs ?? saved.MaxEpochs, MaxMinutes = options.MaxMinutes, CheckpointMinutes = options.CheckpointMinutes };
            options.Validate(); // the recorded recipe with this invocation's limits
            if (options.Threads is { } threads) set_num_threads(threads);
        }
        store.RequireSampleRate(options.Network);
        // A subset of the store's tags: the run sees the store with those alone, as evaluation will.
        if (options.Tags is { } chosen) store = store.WithTags(chosen);
        if (!resume)
        {
            if (run.WasStarted) throw new RunStartedException(run.Path, nameof(resume));
            if (!run.IsEmpty) throw new IOException($"{run.Path}: the run folder is not empty; use another folder");
            options = options with
            {
                Store = Path.GetFullPath(store.Folder),
                InitFrom = options.InitFrom is null ? null : Path.GetFullPath(options.InitFrom),
                Threads = get_num_threads(),
            };
            run.WriteConfig(options with { MaxMinutes = null });
        }
        var spec = options.Network;
        var tags = store.Vocabulary.Tags.ToArray();
        var newHead = NewHead.Keys(options);

        manual_seed(options.Seed);
        using var model = new TaggingCnn(spec, tags.Length, options.Dropout, options.BatchNorm);
        model.to(device);
        var optimizer = NewOptimizer(model, options, options.LearningRates[0], epoch: 1);
        var state = new TrainingState(spec.ToString(), tags, options.Dropout, 0, 0, double.PositiveInfinity, 0, null, BatchNorm: options.BatchNorm);

        if (resume && File.Exists(run.Last))
        {
            var saved = Checkpoint.ReadState(run.Last);
            store.Vocabulary.RequireSame(saved.Tags, store.Folder, "run's");
            optimizer = NewOptimizer(model, options, options.LearningRates[saved.Stage], saved.Epoch + 1);
            state = Checkpoint.Load(run.Last, model, optimizer);
            run.KeepMetricsUpTo(state.Epoch);
            if (state.Finished == StopReason.LastStageEnded) return new TrainingResult(state, options, run.ReadMetrics(), run);
            state = state with { Finished = null };
        }
        else
        {
            // A new run, or one killed before its first checkpoint: start from scratch with the recorded options.
            if (resume) run.KeepMetricsUpTo(0);
            if (options.InitFrom is not null) InitialWeights.Load(options.InitFrom, model, tags, ModelSpec.Parse(options.Model), newHead);
        }

        var plan = new SegmentPlan((int)spec.InputSamples, options.SegmentsPerClip, options.SegmentHop ?? (int)spec.InputSamples);
        var train = new BatchLoader(store, Split.Train, plan);
        var valid = new BatchLoader(store, Split.Valid, plan);
        if (train.SegmentCount < 2) throw new InvalidDataException($"{store.Folder}: the train split has {train.SegmentCount} segments for {spec}; BatchNorm needs at least 2");
        if (valid.SegmentCount == 0) throw new InvalidDataException($"{store.Folder}: the valid split has no segments for {spec}");

        var board = utils.tensorboard.SummaryWriter(run.TensorBoard);
        var invocation = Stopwatch.StartNew();
        bool beforeHidden = NewHead.BeforeHidden(options);
        FeatureCache? trainCache = null, validCache = null;
        // Every step reuses the blocks the first step's tensors took (validation's smaller ones too): the heap stops
        // growing after the first step (TensorBlockCache; bench/RESULTS.md, training step peak memory).
        using var blocks = TensorBlockCache.Scope();
        try
        {
            while (state.Finished is null)
            {
                cancel.ThrowIfCancellationRequested();
                if (options.MaxEpochs is { } limit && state.Epoch >= limit)
                {
                    state = state with { Finished = StopReason.EpochLimit };
                    break;
                }
                int epoch = state.Epoch + 1;
                bool headOnly = options.HeadOnly(epoch);
                if (headOnly && options.CacheFeatures)
                {
                    // The frozen body runs once per segment; each epoch then costs only the head.
                    model.eval();
                    trainCache ??= CacheFeatures(run, train, model, beforeHidden, device, epoch, options, progress, cancel);
                    validCache ??= CacheFeatures(run, valid, model, beforeHidden, device, epoch, options, progress, cancel);
                }
                double rate = options.LearningRates[state.Stage];
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate; // the stage sets the rate, also after a resume
                NewHead.SetModes(model, headOnly ? newHead : null);
                Func<Tensor, Tensor> logits = !headOnly ? model.Logits
                    : trainCache is not null ? features => model.LogitsFrom(features.flatten(1), beforeHidden)
                    : waveform => model.LogitsFrom(FrozenFeatures(model, waveform, beforeHidden), beforeHidden);
                var batches = (int firstBatch) => trainCache is not null && headOnly ? CachedBatches(train, trainCache, epoch, options, firstBatch)
                    : train.Epoch(epoch, options.BatchSize, options.Seed, cancel, firstBatch);
                var trained = TrainEpoch(logits, batches, train.BatchCount(options.BatchSize), optimizer, options, device, state, rate,
                    partial => Checkpoint.Save(run.Last, partial, model, optimizer), progress, cancel);
                double trainLoss = trained.LossSum / trained.Segments;
                progress?.Report(new TrainingProgress(epoch, state.Stage, rate, 0, 0, trainLoss, train.SegmentCount / trained.Seconds, Validating: true));
                var validation = Stopwatch.StartNew();
                var predictions = validCache is not null && headOnly ? CachedPredictions(model, valid, validCache, beforeHidden, device, cancel)
                    : ClipPredictions.Compute(model, valid, device, cancel: cancel);
                var metrics = predictions.ClipMetrics(store.Vocabulary);
                if (!double.IsFinite(predictions.Loss)) throw new TrainingDivergedException(epoch, predictions.Loss);

                var (next, decision) = LearningRateStages.After(state with { Epoch = epoch, InEpoch = null }, predictions.Loss, options.Patience, options.LearningRates.Length);
                if (decision == StageDecision.NewBest) Checkpoint.Save(run.Best, next, model, optimizer);
                // As the paper's code: continue from the best weights with a fresh optimizer at the next rate. Unfreezing
                // the body also starts a fresh optimizer, over every weight (the checkpoint below holds its state).
                if (decision == StageDecision.NextStage) Checkpoint.Load(run.Best, model);
                if (decision == StageDecision.NextStage || headOnly != options.HeadOnly(epoch + 1))
                    optimizer = NewOptimizer(model, options, options.LearningRates[next.Stage], epoch + 1);
                if (options.MaxEpochs is { } maxEpochs && epoch >= maxEpochs && next.Finished is null) next = next with { Finished = StopReason.EpochLimit };
                if (options.MaxMinutes is { } minutes && invocation.Elapsed.TotalMinutes >= minutes && next.Finished is null) next = next with { Finished = StopReason.TimeLimit };

                // A kill between these two writes leaves a row the checkpoint does not cover: a resume drops it and redoes the epoch.
                var row = new EpochMetrics(epoch, state.Stage, rate, trainLoss, predictions.Loss, metrics.MacroRocAuc, metrics.MacroAveragePrecision,
                    Math.Round(trained.Seconds + validation.Elapsed.TotalSeconds, 3), Math.Round(train.SegmentCount / trained.Seconds, 2));
                run.AppendMetrics(row);
                Checkpoint.Save(run.Last, next, model, optimizer);
                board.add_scalar("loss/train", (float)trainLoss, epoch);
                board.add_scalar("loss/valid", (float)predictions.Loss, epoch);
                board.add_scalar("valid/roc_auc", (float)metrics.MacroRocAuc, epoch);
                board.add_scalar("valid/pr_auc", (float)metrics.MacroAveragePrecision, epoch);
                board.add_scalar("learning_rate", (float)rate, epoch);
                state = next;
            }
        }
        finally
        {
            trainCache?.Dispose();
            validCache?.Dispose();
        }
        return new TrainingResult(state, options, run.ReadMetrics(), run);
    }

    /// <summary>An optimizer over the weights epoch <paramref name="epoch"/> trains: the new head's alone, or all.</summary>
    static TorchSharp.Modules.SGD NewOptimizer(TaggingCnn model, TrainingOptions options, double rate, int epoch) =>
        new SGD(NewHead.Parameters(model, options.HeadOnly(epoch) ? NewHead.Keys(options) : null), rate, options.Momentum, options.Nesterov, options.WeightDecay);

    /// <summary>The frozen body's output for a batch, with no gradient (the body trains nothing).</summary>
    static Tensor FrozenFeatures(TaggingCnn model, Tensor waveform, bool beforeHidden)
    {
        using var noGrad = no_grad();
        return model.HeadInput(waveform, beforeHidden);
    }

    /// <summary>Cached features are counted as often as checkpoints are written, and at least every minute.</summary>
    static TimeSpan CacheCountEvery(TrainingOptions options) => TimeSpan.FromMinutes(Math.Min(options.CheckpointMinutes, 1));

    static FeatureCache CacheFeatures(RunFolder run, BatchLoader loader, TaggingCnn model, bool beforeHidden, Device device, int epoch,
        TrainingOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancel) =>
        FeatureCache.Build(run, loader, waveform => model.HeadInput(waveform, beforeHidden), device, CacheCountEvery(options),
            progress is null ? null : (clips, of, rate) => progress.Report(new TrainingProgress(epoch, 0, 0, clips, of, 0, rate, Validating: false, Caching: loader.Split)), cancel);

    /// <summary>An epoch's batches in the same order as <see cref="BatchLoader.Epoch"/>, the segments' cached features in place of their samples.</summary>
    static IEnumerable<Batch> CachedBatches(BatchLoader loader, FeatureCache cache, int epoch, TrainingOptions options, int firstBatch)
    {
        var picks = loader.Picks(epoch, options.BatchSize, options.Seed);
        for (int b = firstBatch; b < picks.Length; b++)
        {
            var targets = loader.Targets(picks[b]);
            yield return new Batch(cache.Rows(picks[b]), targets, picks[b].Length, cache.Width, targets.Length / picks[b].Length);
        }
    }

    /// <summary>The validation split scored from its cached features, clip by clip as <see cref="ClipPredictions.Compute(TaggingCnn, BatchLoader, Device, ClipAggregation, long[], CancellationToken)"/>.</summary>
    static ClipPredictions CachedPredictions(TaggingCnn model, BatchLoader loader, FeatureCache cache, bool beforeHidden, Device device, CancellationToken cancel)
    {
        model.eval();
        int clip = 0;
        return ClipPredictions.Compute(loader.ClipByClip(withSamples: false), _ => model.LogitsFrom(cache.Clip(clip++, device), beforeHidden), model.Tags, device, cancel: cancel);
    }

    /// <summary>
    /// Trains epoch <c>state.Epoch + 1</c> from where <c>state.InEpoch</c> left it, handing a mid-epoch state to
    /// <paramref name="checkpoint"/> every <see cref="TrainingOptions.CheckpointMinutes"/>; returns the whole epoch's position.
    /// </summary>
    static EpochPosition TrainEpoch(Func<Tensor, Tensor> logitsOf, Func<int, IEnumerable<Batch>> epochFrom, int batches, TorchSharp.Modules.SGD optimizer,
        TrainingOptions options, Device device, TrainingState state, double rate, Action<TrainingState> checkpoint, IProgress<TrainingProgress>? progress, CancellationToken cancel)
    {
        int epoch = state.Epoch + 1;
        var done = state.InEpoch ?? new EpochPosition(0, 0, 0, 0);
        int index = done.Batches;
        double lossSum = done.LossSum;
        long seen = done.Segments;
        var clock = Stopwatch.StartNew();
        var sinceCheckpoint = Stopwatch.StartNew();
        foreach (var batch in epochFrom(index))
        {
            cancel.ThrowIfCancellationRequested();
            index++;
            using var scope = NewDisposeScope();
            // Dropout draws from a generator seeded per batch from (seed, epoch, batch) instead of one carried
            // along: a run resumed at any batch draws the same masks, on CUDA too (torch's manual_seed seeds
            // the CPU and CUDA generators; TorchSharp cannot read the CUDA generator's state to save it).
            manual_seed(Seeds.Derive(Seeds.Derive(options.Seed, epoch), index)).Dispose(); // the handle only refers to the default generator
            var (inputs, targets) = batch.ToTensors(device);
            optimizer.zero_grad();
            Tensor logits;
            using (options.Precision == TrainingPrecision.Bf16 ? new Autocast(device.type) : null) logits = logitsOf(inputs);
            var loss = nn.functional.binary_cross_entropy_with_logits(logits.to(ScalarType.Float32), targets);
            var value = loss.item<float>();
            if (!float.IsFinite(value)) throw new TrainingDivergedException(epoch, index, batches, batch.Count, value);
            loss.backward();
            // Keras's decay: update t of the stage (from 0; the authors' code recompiled, so resetting t, at each stage) uses rate / (1 + decay t).
            if (options.LearningRateDecay > 0)
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate / (1 + options.LearningRateDecay * ((long)(epoch - 1 - state.StageStartEpoch) * batches + index - 1));
            optimizer.step();
            lossSum += value * batch.Count;
            seen += batch.Count;
            progress?.Report(new TrainingProgress(epoch, state.Stage, rate, index, batches, lossSum / seen, (seen - done.Segments) / clock.Elapsed.TotalSeconds, Validating: false));
            if (sinceCheckpoint.Elapsed.TotalMinutes >= options.CheckpointMinutes)
            {
                checkpoint(state with { InEpoch = new EpochPosition(index, lossSum, seen, done.Seconds + clock.Elapsed.TotalSeconds) });
                sinceCheckpoint.Restart();
            }
        }
        return new EpochPosition(index, lossSum, seen, done.Seconds + clock.Elapsed.TotalSeconds);
    }
}
