using System.Globalization;
using SampleCnn.Experiments;
using SampleCnn.Models;
using SampleCnn.Synthesis;
using Spectre.Console;

namespace SampleCnn.Cli.Views;

/// <summary>The demo as it runs: a rule per step, and each step shown as its own command shows it.</summary>
sealed class DemoView(IAnsiConsole console, DemoOptions options) : IProgress<DemoProgress>, IDisposable
{
    /// <summary>Top tags shown per tagged clip.</summary>
    const int TopTags = 5;

    readonly ProgressDisplay bars = new(console, new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn());
    readonly PrepareView prepare = new(console);
    readonly TrainingView training = new(console);
    readonly DemoFolder folder = new(options.Out);
    AscentBars? ascent;
    ProgressTask? task;

    public void Report(DemoProgress p)
    {
        if (p.Begins) Begin(p.Step);
        else if (p.ClipWritten is not null) task!.Increment(1); // from several threads: Spectre's tasks are thread-safe
        else if (p.Annotations is { } annotations)
        {
            EndBars();
            console.MarkupLineInterpolated($"wrote {options.ClipCount} WAV files and {annotations}");
        }
        else if (p.Listing is { } listing) prepare.Listing(listing);
        else if (p.Preparing is { } preparing) prepare.Report(preparing);
        else if (p.Prepared is { } prepared) prepare.Show(prepared, folder.Store);
        else if (p.Training is { } epoch) training.Report(epoch);
        else if (p.Trained is { } trained) training.Show(trained);
        else if (p.Evaluated is { } evaluated) EvaluationView.Render(console, evaluated.Report, evaluated.Files);
        else if (p.Tagger is { } model) console.WriteLine(model.Description);
        else if (p.Tagged is { } tagged)
        {
            if (tagged.Result.Failed) console.MarkupLineInterpolated($"[yellow]{tagged.Result.Path}: {tagged.Result.Error}[/]");
            else TagView.Render(console, tagged.Result, TopTags, 0);
            console.MarkupLineInterpolated($"[grey]{Path.GetFileName(tagged.Result.Path)} was rendered with: {string.Join(", ", tagged.TrueTags)}[/]");
        }
        else if (p.Ascent is { } step) (ascent ??= new AscentBars(bars)).Report(step);
        else if (p.Drawn is { } drawn)
        {
            EndBars();
            FilterView.Render(console, drawn);
        }
    }

    void Begin(DemoStep step)
    {
        var spec = ModelSpec.Parse(options.Model);
        console.Write(new Rule($"[bold]{Markup.Escape(step switch
        {
            DemoStep.Generating => $"1/6 generating {options.ClipCount} synthetic clips of {options.Seconds.ToString(CultureInfo.InvariantCulture)} s ({SyntheticMusic.AllTags.Length} tags: instruments, drums, fast/slow, loud/quiet, high/low)",
            DemoStep.Preparing => "2/6 preparing them into a segment store (samplecnn prepare csv)",
            DemoStep.Training => string.Create(CultureInfo.InvariantCulture, $"3/6 training {spec} ({spec.InputSamples} samples = {spec.InputMilliseconds:F0} ms a segment) for about {options.TrainingMinutes:F1} minutes (samplecnn train)"),
            DemoStep.Evaluating => "4/6 evaluating on the test split (samplecnn evaluate)",
            DemoStep.Tagging => "5/6 tagging two held-out clips (samplecnn tag)",
            _ => "6/6 drawing what the filters learned (samplecnn visualize)",
        })}[/]").LeftJustified());
        if (step == DemoStep.Generating) task = bars.AddTask("rendering", options.ClipCount);
        if (step == DemoStep.Training)
            console.MarkupLineInterpolated($"[grey]sized for the budget: the paper's 3^9 reads 59049-sample segments and needs hours per epoch on a CPU; {spec} trains in seconds per epoch here[/]");
    }

    void EndBars()
    {
        task = null;
        bars.Close();
    }

    /// <summary>Where everything is, and the same steps on real data.</summary>
    public void Show(DemoResult result)
    {
        var f = result.Folder;
        console.Write(new Rule("[bold]done[/]").LeftJustified());
        console.MarkupLineInterpolated($"audio and tags: {f.Audio}, {f.Annotations}");
        console.MarkupLineInterpolated($"segment store:  {f.Store}");
        console.MarkupLineInterpolated($"trained model:  {f.Run.Path} (config.json, metrics.csv, tensorboard/, best.ckpt, last.ckpt, evaluation-test-best.*)");
        console.MarkupLineInterpolated($"taggrams:       {f.Taggram}");
        console.MarkupLineInterpolated($"filter spectra: {f.Filters}");
        console.WriteLine();
        console.MarkupLine("next, on real data:");
        console.MarkupLine("  samplecnn prepare mtat --root ~/data/magnatagatune --out stores/mtat");
        console.MarkupLine("  samplecnn train --store stores/mtat --model 3^9 --run runs/3-9");
        console.MarkupLine("  samplecnn evaluate --run runs/3-9 --split test");
        console.MarkupLine("  samplecnn tag my-music/ --model runs/3-9");
    }

    public void Dispose()
    {
        bars.Dispose();
        prepare.Dispose();
        training.Dispose();
    }
}
