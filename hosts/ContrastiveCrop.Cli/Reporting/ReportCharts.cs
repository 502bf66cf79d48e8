namespace ContrastiveCrop.Cli.Reporting;

/// <summary>One named curve of a chart.</summary>
internal sealed record Curve(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

/// <summary>Line charts as PNG bytes (ScottPlot), for inlining into a report as data URIs.</summary>
internal static class ReportCharts
{
    /// <summary>A chart of <paramref name="curves"/>; null when no curve has a finite point.</summary>
    public static byte[]? Png(string title, string xLabel, string yLabel, IEnumerable<Curve> curves, bool logY = false, int width = 640, int height = 360)
    {
        var drawn = curves
            .Select(c => c with { Points = [.. c.Points.Where(p => double.IsFinite(p.Y) && (!logY || p.Y > 0))] })
            .Where(c => c.Points.Count > 0).ToList();
        if (drawn.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        foreach (var curve in drawn)
        {
            var ys = curve.Points.Select(p => logY ? Math.Log10(p.Y) : p.Y).ToArray();
            var scatter = plot.Add.Scatter(curve.Points.Select(p => p.X).ToArray(), ys);
            scatter.LegendText = curve.Name;
            // Single points would vanish as lines of length zero.
            scatter.MarkerSize = curve.Points.Count <= 30 ? 5 : 0;
            if (curve.Dashed) scatter.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (drawn.Count > 1) plot.ShowLegend();
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }
}
