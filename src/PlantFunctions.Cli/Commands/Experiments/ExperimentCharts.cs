using ScottPlot;
using SkiaSharp;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// The experiments' two kinds of chart, drawn with ScottPlot and saved as PNG: lines against a shared x axis (with an
/// optional second y axis on the right) and grouped bars with error bars.
/// </summary>
internal static class ExperimentCharts
{
    private const int Height = 600;
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// A common sans-serif font when the machine has one: ScottPlot's default is the first font SkiaSharp finds, a
    /// serif one on many Linux machines.
    /// </summary>
    private static readonly Lazy<string> Font = new(() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }
            .FirstOrDefault(name => SKFontManager.Default.MatchFamily(name) is { } typeface && typeface.FamilyName == name) ?? Fonts.Default);

    /// <summary>Lines of <paramref name="left"/> on the left y axis and of <paramref name="right"/> on the right one.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> left,
        string? rightLabel = null, IReadOnlyList<ChartSeries>? right = null, bool integerTicks = false)
    {
        var plot = NewPlot();
        int color = 0;
        var axes = left.Select(s => (Series: s, Axis: (IYAxis)plot.Axes.Left)).Concat((right ?? []).Select(s => (Series: s, Axis: (IYAxis)plot.Axes.Right)));
        foreach (var (series, axis) in axes)
        {
            int[] kept = [.. Enumerable.Range(0, series.X.Length).Where(i => double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i]))];
            if (kept.Length == 0)
            {
                continue;
            }

            var lineColor = Palette.GetColor(series.Color ?? color++);
            double[] xs = [.. kept.Select(i => series.X[i])];
            double[] ys = [.. kept.Select(i => series.Y[i])];
            if (series.Error is { } error)
            {
                var bars = plot.Add.ErrorBar(xs, ys, [.. kept.Select(i => double.IsFinite(error[i]) ? error[i] : 0)]);
                bars.Color = lineColor;
                bars.Axes.YAxis = axis;
            }

            var scatter = plot.Add.Scatter(xs, ys, lineColor);
            scatter.LegendText = series.Name;
            scatter.MarkerSize = 7;
            scatter.LineWidth = 2;
            scatter.Axes.YAxis = axis;
            if (series.Dashed || axis == plot.Axes.Right)
            {
                scatter.LinePattern = LinePattern.Dashed;
            }
        }

        if (integerTicks)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (rightLabel is not null)
        {
            plot.Axes.Right.Label.Text = rightLabel;
        }

        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, Height);
    }

    /// <summary>Bars of each series side by side within each group, labelled by the groups along the x axis.</summary>
    public static void GroupedBars(string path, string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series)
    {
        var plot = NewPlot();
        double width = 0.8 / Math.Max(1, series.Count);
        var bars = new List<Bar>();
        for (int s = 0; s < series.Count; s++)
        {
            var color = Palette.GetColor(s);
            for (int g = 0; g < groups.Count; g++)
            {
                double value = series[s].Values[g];
                if (double.IsFinite(value))
                {
                    double error = series[s].Errors?[g] is { } e && double.IsFinite(e) ? e : 0;
                    bars.Add(new Bar { Position = g + ((s - ((series.Count - 1) / 2.0)) * width), Value = value, Error = error, Size = width * 0.9, FillColor = color });
                }
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = color });
        }

        plot.Add.Bars(bars);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int g = 0; g < groups.Count; g++)
        {
            ticks.AddMajor(g, groups[g]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        if (groups.Any(g => g.Length > 8) && groups.Count > 4)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 110;
        }

        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Math.Max(900, 90 + (groups.Count * series.Count * 22)), Height);
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(Font.Value);
        return plot;
    }
}
