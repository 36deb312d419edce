using System.Text.Json;
using SampleCnn.Cli.Commands;
using SampleCnn.Data.Sources;
using SampleCnn.Data.Store;
using SampleCnn.Evaluation;
using SampleCnn.Inference;
using SampleCnn.Models;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using SampleCnn.Visualization;
using Spectre.Console.Cli;

namespace SampleCnn.Tests.Cli;

/// <summary>What a verb runs with when no option is given is the library's default, as Spectre binds the command line.</summary>
public class DefaultsTests
{
    sealed class Capture<TSettings> : Command<TSettings> where TSettings : CommandSettings
    {
        public static TSettings? Bound;

        public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
        {
            Bound = settings;
            return 0;
        }
    }

    static TSettings Bind<TSettings>(params string[] args) where TSettings : CommandSettings
    {
        var app = new CommandApp<Capture<TSettings>>();
        app.Configure(config => config.PropagateExceptions());
        Capture<TSettings>.Bound = null;
        Assert.Equal(0, app.Run(args));
        return Capture<TSettings>.Bound!;
    }

    static string Json(TrainingOptions options) => JsonSerializer.Serialize(options, JsonSettings.Indented);

    [Fact]
    public void TrainWithoutOptionsTrainsWithTheLibrarysRecipe()
    {
        Assert.Equal(Json(new TrainingOptions()), Json(Bind<TrainCommand.Settings>("--store", "s", "--run", "r").Options));
        Assert.Equal(Json(new TrainingOptions()), Json(new TrainCommand.Settings().Options));
        Assert.Equal(DeviceChoice.Default, Bind<TrainCommand.Settings>("--store", "s", "--run", "r").Device);
    }

    [Fact]
    public void TheOtherVerbsDefaultToTheLibrarysValues()
    {
        var evaluate = Bind<EvaluateCommand.Settings>("--run", "r");
        Assert.Equal((Bootstrap.DefaultResamples, Seeds.Default, Evaluator.DefaultAggregation),
            (evaluate.Bootstrap, evaluate.Seed, Enum.Parse<ClipAggregation>(evaluate.Aggregate, ignoreCase: true)));

        var visualize = Bind<VisualizeCommand.Settings>("--model", "m", "--out", "o");
        Assert.Equal(new AscentOptions(), new AscentOptions(visualize.InputSamples, visualize.Steps, visualize.StepSize, visualize.Seed,
            Enum.Parse<AscentBatchNorm>(visualize.BatchNorm, ignoreCase: true)));

        Assert.Equal(new PrepareOptions(), Bind<PrepareMtatCommand.Settings>("--root", "r", "--out", "o").Options);
        Assert.Null(Bind<PrepareMtatCommand.Settings>("--root", "r", "--out", "o", "--max-seconds", "0").Options.MaxClipSamples);
        Assert.Equal(22050, Bind<PrepareMtatCommand.Settings>("--root", "r", "--out", "o", "--max-seconds", "1").Options.MaxClipSamples);
        Assert.Equal(PrepareOptions.At(16000), Bind<PrepareMtatCommand.Settings>("--root", "r", "--out", "o", "--sample-rate", "16000").Options);
        Assert.Equal(new ModelOpenOptions().SampleRate, Bind<TagCommand.Settings>("a.wav", "--model", "m").SampleRate);
        // MTG-Jamendo's tracks are whole songs: kept whole unless a length is given.
        var jamendo = Bind<PrepareJamendoCommand.Settings>("--split-dir", "s", "--audio", "a", "--out", "o");
        Assert.Equal((new PrepareOptions() with { MaxClipSamples = null }, MtgJamendo.DefaultSplit), (jamendo.Options, jamendo.Split));
        Assert.Equal(22050, Bind<PrepareJamendoCommand.Settings>("--split-dir", "s", "--audio", "a", "--out", "o", "--max-seconds", "1").Options.MaxClipSamples);
        Assert.Equal(TagVocabulary.PaperTagCount, Bind<PrepareMsdCommand.Settings>("--tags", "t", "--split", "s", "--audio", "a", "--out", "o").Top);

        Assert.Equal(new TaggerOptions().BatchSize, Bind<TagCommand.Settings>("a.wav", "--model", "m").BatchSize);
        var embed = Bind<EmbedCommand.Settings>("a.wav", "--model", "m", "--out", "e.parquet");
        Assert.Equal((new EmbeddingOptions(), new TaggerOptions()), (embed.Options, embed.TaggerOptions));
        var summary = Bind<SummaryCommand.Settings>();
        Assert.Equal((ModelSpec.PaperBest, TagVocabulary.PaperTagCount), (summary.Model, summary.Tags));
    }

    [Fact]
    public void HelpShowsTheLibrarysDefaults()
    {
        var (code, output, _) = CliRunner.RunWithWidth(250, "train", "--help");
        Assert.Equal(0, code);
        Assert.Matches($@"--batch-size <N>\s+{TrainingOptions.DefaultBatchSize}\s", output);
        Assert.Matches($@"--learning-rates <LIST>\s+{TrainingOptions.DefaultLearningRates}\s", output);
        (_, output, _) = CliRunner.RunWithWidth(250, "evaluate", "--help");
        Assert.Matches(@"--aggregate <HOW>\s+mean\s", output);
    }
}
