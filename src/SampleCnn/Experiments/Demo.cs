using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Synthesis;
using SampleCnn.Tagging;
using SampleCnn.Training;
using SampleCnn.Visualization;
using TorchSharp;

namespace SampleCnn.Experiments;

/// <summary>
/// The whole system on data it makes itself: synthetic tagged music written as WAV files and a tags CSV,
/// then the same workflows a user runs on real data (prepare, train, evaluate, tag, visualize), each
/// with its defaults. Running it again in the same folder continues where it stopped.
/// </summary>
public static class Demo
{
    public static DemoResult Run(DemoOptions options, torch.Device device, IProgress<DemoProgress>? progress = null, CancellationToken cancel = default)
    {
        var spec = ModelSpec.Parse(options.Model);
        var folder = new DemoFolder(options.Out);
        void Report(DemoProgress p) => progress?.Report(p);
        IProgress<T>? Forward<T>(Func<T, DemoProgress> wrap) => progress is null ? null : new SynchronousProgress<T>(value => progress.Report(wrap(value)));

        Report(new DemoProgress(DemoStep.Generating) { Begins = true });
        var annotations = SyntheticDataset.Write(folder.Audio, options.ClipCount, options.Seconds, options.Seed,
            Forward<int>(i => new DemoProgress(DemoStep.Generating) { ClipWritten = i }), cancel);
        Report(new DemoProgress(DemoStep.Generating) { Annotations = annotations });

        Report(new DemoProgress(DemoStep.Preparing) { Begins = true });
        var listing = CsvTags.Load(annotations, folder.Audio);
        Report(new DemoProgress(DemoStep.Preparing) { Listing = listing });
        var prepared = StoreWriter.Prepare(listing, folder.Store, new PrepareOptions(),
            Forward<PrepareProgress>(p => new DemoProgress(DemoStep.Preparing) { Preparing = p }), cancel);
        Report(new DemoProgress(DemoStep.Preparing) { Prepared = prepared });

        Report(new DemoProgress(DemoStep.Training) { Begins = true });
        var run = folder.Run;
        TrainingResult trained;
        using (var store = SegmentStore.Open(folder.Store))
            trained = Trainer.Run(store, run, new TrainingOptions { Model = options.Model, Seed = options.Seed, MaxMinutes = options.TrainingMinutes }, device,
                resume: run.WasStarted, // a run killed before its first checkpoint resumes too
                progress: Forward<TrainingProgress>(p => new DemoProgress(DemoStep.Training) { Training = p }), cancel: cancel);
        Report(new DemoProgress(DemoStep.Training) { Trained = trained });

        Report(new DemoProgress(DemoStep.Evaluating) { Begins = true });
        var evaluated = RunEvaluation.Evaluate(run, new RunEvaluationOptions(), device, cancel);
        Report(new DemoProgress(DemoStep.Evaluating) { Evaluated = evaluated });

        Report(new DemoProgress(DemoStep.Tagging) { Begins = true });
        var heldOut = listing.Clips.Where(c => c.Split == Split.Test).Take(2).ToList();
        var tagged = new List<TaggedClip>();
        using (var session = TaggingSession.Open([.. heldOut.Select(c => c.AudioPath)], run.Path, new ModelOpenOptions(), new TaggerOptions(), folder.Taggram, device))
        {
            Report(new DemoProgress(DemoStep.Tagging) { Tagger = session.Model });
            foreach (var (result, clip) in session.Run(cancel).Zip(heldOut))
            {
                // In the synthesizer's order, as the tags CSV lists them (the vocabulary orders them by frequency).
                tagged.Add(new TaggedClip(result, [.. clip.Tags.Select(t => listing.Vocabulary.Tags[t]).OrderBy(t => Array.IndexOf(SyntheticMusic.AllTags, t))]));
                Report(new DemoProgress(DemoStep.Tagging) { Tagged = tagged[^1] });
            }
        }

        Report(new DemoProgress(DemoStep.Visualizing) { Begins = true });
        var drawn = FilterVisualization.Run(run.Path, new ModelOpenOptions(), $"1-{Math.Min(4, spec.Modules + 1)}", new AscentOptions(), folder.Filters, device,
            Forward<AscentStep>(s => new DemoProgress(DemoStep.Visualizing) { Ascent = s }), cancel);
        Report(new DemoProgress(DemoStep.Visualizing) { Drawn = drawn });
        return new DemoResult(folder, prepared, trained, evaluated, tagged, drawn);
    }
}
