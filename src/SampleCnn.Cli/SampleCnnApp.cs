using System.Reflection;
using SampleCnn.Cli.Commands;
using SampleCnn.Models;
using SampleCnn.Platform;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli;

/// <summary>The `samplecnn` verbs and how failures reach the user: one line on stderr and an exit code.</summary>
internal static class SampleCnnApp
{
    /// <summary>Exit code for a bad command line: unknown verb, bad option, invalid model spec.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure while doing the work.</summary>
    public const int Failure = 1;

    /// <summary>Exit code when the user interrupts (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public static int Run(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancel = default)
    {
        try
        {
            return RunOrThrow(args, console, cancel);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("samplecnn: interrupted; run the same command again to continue where it stopped");
            return Interrupted;
        }
        catch (Exception e)
        {
            error.WriteLine($"samplecnn: {MessageText.OneLine(e.Message)}");
            var cause = e is Restated ? e.InnerException! : e;
            return cause is CommandAppException or ModelSpecException or ArgumentException ? UsageError : Failure;
        }
    }

    /// <summary>Runs a command line and lets failures propagate, for <see cref="Run"/> to report.</summary>
    static int RunOrThrow(string[] args, IAnsiConsole console, CancellationToken cancel = default)
    {
        var running = new RunningCommand();
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("samplecnn");
            config.SetInterceptor(running);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("See the whole system work on synthetic music: generate, prepare, train, evaluate, tag, visualize.")
                .WithExample("demo").WithExample("demo", "--minutes", "5", "--out", "demo");
            config.AddCommand<SummaryCommand>("summary")
                .WithDescription("Print a model's layer table: output shapes, parameters, multiply-accumulates.")
                .WithExample("summary", "--model", "3^9");
            config.AddBranch("prepare", prepare =>
            {
                prepare.SetDescription("Decode a dataset once into a segment store for training and evaluation.");
                prepare.AddCommand<PrepareMtatCommand>("mtat").WithDescription("MagnaTagATune: annotations_final.csv and the MP3 folders 0-f.")
                    .WithExample("prepare", "mtat", "--root", "~/data/mtat", "--out", "stores/mtat");
                prepare.AddCommand<PrepareMsdCommand>("msd").WithDescription("Million Song Dataset: Last.fm tags, split lists, 7digital previews.")
                    .WithExample("prepare", "msd", "--tags", "msd/tags.tsv", "--split", "msd/split", "--audio", "msd/audio", "--out", "stores/msd");
                prepare.AddCommand<PrepareJamendoCommand>("jamendo").WithDescription("MTG-Jamendo: the top-50 split files and the audio folder; whole tracks unless --max-seconds.")
                    .WithExample("prepare", "jamendo", "--split-dir", "mtg-jamendo-dataset/data/splits", "--audio", "jamendo/audio", "--out", "stores/jamendo");
                prepare.AddCommand<PrepareCsvCommand>("csv").WithDescription("Your own collection: a CSV of files and tags.")
                    .WithExample("prepare", "csv", "--annotations", "my/tags.csv", "--audio", "my/audio", "--out", "stores/mine");
            });
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a tagger on a store with the paper's recipe; --resume continues an interrupted run.")
                .WithExample("train", "--store", "stores/mtat", "--model", "3^9", "--run", "runs/3-9");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Score a trained model on a split: macro and per-tag ROC-AUC and PR-AUC, JSON, CSV and a PNG chart.")
                .WithExample("evaluate", "--run", "runs/3-9", "--split", "test");
            config.AddCommand<TagCommand>("tag")
                .WithDescription("Tag audio files with a trained model: top tags per file, JSON/CSV, taggram.")
                .WithExample("tag", "song.mp3", "--model", "runs/3-9", "--taggram", "song-taggram.png");
            config.AddCommand<EmbedCommand>("embed")
                .WithDescription("Turn audio files into a trained model's features (a layer's, pooled over time and segments): Parquet, .npy or JSON lines.")
                .WithExample("embed", "music/", "--model", "runs/3-9", "--out", "embeddings.parquet");
            config.AddCommand<ServeCommand>("serve")
                .WithDescription("Tag uploaded audio over HTTP: a page at /, /v1/tag, /v1/taggram.png, /v1/embed, /v1/model, /metrics, /healthz; one model, requests batched together through one bounded queue.")
                .WithExample("serve", "--model", "runs/3-9", "--urls", "http://127.0.0.1:8080");
            config.AddCommand<MergeCommand>("merge")
                .WithDescription("Combine the Parquet parts of a sharded tag run into one file; check every manifest entry is there once.")
                .WithExample("merge", "parts/", "--manifest", "files.txt", "--out", "tags.parquet");
            config.AddCommand<VisualizeCommand>("visualize")
                .WithDescription("Draw what a trained model's filters respond to (the paper's gradient-ascent spectra).")
                .WithExample("visualize", "--model", "runs/3-9", "--layers", "1-6", "--out", "pictures");
            config.AddCommand<ExperimentCommand>("experiment")
                .WithDescription("Reproduce the paper's comparisons: train and evaluate several models with one recipe and budget, tabulate.")
                .WithExample("experiment", "--store", "stores/mtat", "--preset", "filters", "--budget-minutes", "60", "--out", "experiments/filters");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write a checkpoint's weights as a PyTorch state_dict.")
                .WithExample("export", "--model", "runs/3-9", "--pytorch", "3-9.pth");
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Show a segment store: manifest, split sizes, tag counts, hours.")
                .WithExample("inspect", "stores/mtat");
            config.AddCommand<InspectModelCommand>("inspect-model")
                .WithDescription("Show what a model file is: layout, spec, tags, sample rate, parameters, input length.")
                .WithExample("inspect-model", "best_model.pth");
        });
        try
        {
            return app.Run(args, cancel);
        }
        catch (Exception e) when (e is IOptionMessage message && running.Flag(message.Option) is { } flag)
        {
            throw new Restated(message.MessageNaming(flag), e);
        }
    }

    /// <summary>
    /// Records which command runs, so a library message about an option names that command's flag for it: the
    /// flag of the settings property named like the option (ignoring case, so an entry point's parameter names it too).
    /// </summary>
    sealed class RunningCommand : ICommandInterceptor
    {
        Type? settings;

        public void Intercept(CommandContext context, CommandSettings settings) => this.settings = settings.GetType();

        public string? Flag(string option) =>
            settings?.GetProperty(option, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.GetCustomAttribute<CommandOptionAttribute>() is { LongNames: [var name, ..] }
                ? $"--{name}" : null;
    }

    /// <summary>A library failure restated with the command's flag; its cause decides the exit code.</summary>
    sealed class Restated(string message, Exception cause) : Exception(message, cause);
}
