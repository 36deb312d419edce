using System.Globalization;
using SampleCnn.Platform;

namespace SampleCnn.Tagging;

/// <summary>A file's per-segment tag scores over time (like musicnn's taggram): CSV, and a PNG heatmap.</summary>
public static class Taggram
{
    /// <summary>
    /// Writes a tagged file's taggram under <paramref name="output"/>: OUT.png and OUT.csv when one file is tagged,
    /// else OUT is a folder of NAME.taggram.png and NAME.taggram.csv. Returns the two paths written.
    /// </summary>
    public static (string Png, string Csv) Write(string output, FileTags file, int fileCount)
    {
        string stem;
        if (fileCount == 1) stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFileNameWithoutExtension(output));
        else
        {
            Directory.CreateDirectory(output);
            stem = Path.Combine(output, Path.GetFileNameWithoutExtension(file.Path) + ".taggram");
        }
        var (png, csv) = (stem + ".png", stem + ".csv");
        WritePng(png, file);
        WriteCsv(csv, file);
        return (png, csv);
    }

    /// <summary>One row per segment: its start and end in seconds, then every tag's score.</summary>
    public static void WriteCsv(string path, FileTags file)
    {
        var lines = new List<string> { "start_s,end_s," + string.Join(',', file.Tags.Select(CsvText.Field)) };
        for (int s = 0; s < file.Segments; s++)
        {
            var scores = file.SegmentScores.AsSpan(s * file.Tags.Count, file.Tags.Count).ToArray();
            lines.Add(string.Join(',', new[] { s * file.HopSeconds, s * file.HopSeconds + file.SegmentSeconds }.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))
                .Concat(scores.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))));
        }
        File.WriteAllLines(path, lines);
    }

    public static void WritePng(string path, FileTags file) => File.WriteAllBytes(path, Png(file));

    /// <summary>The picture as PNG bytes: time in seconds on x, tags on y (first tag at the top), score as colour with a colour bar.</summary>
    public static byte[] Png(FileTags file)
    {
        int t = file.Tags.Count;
        var data = new double[t, file.Segments];
        for (int s = 0; s < file.Segments; s++)
            for (int j = 0; j < t; j++) data[j, s] = file.SegmentScores[s * t + j];
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        double seconds = file.CoveredSeconds;
        heatmap.Extent = new ScottPlot.CoordinateRect(0, seconds, -0.5, t - 0.5);
        plot.Add.ColorBar(heatmap).Label = "score";
        plot.Axes.Left.SetTicks(Enumerable.Range(0, t).Select(j => (double)(t - 1 - j)).ToArray(), file.Tags.ToArray());
        plot.Axes.SetLimits(0, seconds, -0.5, t - 0.5);
        plot.XLabel("time (s)");
        plot.Title($"{Path.GetFileName(file.Path)}: taggram{(file.Padded ? " (shorter than one segment, padded)" : "")}");
        return plot.GetImageBytes(900, Math.Max(300, 16 * t + 140), ScottPlot.ImageFormat.Png);
    }
}
