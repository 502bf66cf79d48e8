using System.Globalization;
using ContrastiveCrop.Contracts;
using SkiaSharp;
using static ContrastiveCrop.Imaging.Sheets.SheetDrawing;
using static ContrastiveCrop.Plugins.Samplers.Diagnostics.DiagnosticSheets;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>A histogram of box areas (fraction of the image) after one update, 20 bins over [0, 1].</summary>
internal static class BoxAreaHistogram
{
    private const int Bins = 20;
    private const int PlotWidth = 600, PlotHeight = 240, Margin = 40;

    /// <summary>The count of boxes per bin; an area of exactly 1 goes in the last bin.</summary>
    public static int[] Counts(IReadOnlyList<NormalizedBox> boxes)
    {
        var counts = new int[Bins];
        foreach (var box in boxes) counts[Math.Clamp((int)(box.Area * Bins), 0, Bins - 1)]++;
        return counts;
    }

    /// <summary>Draws the histogram.</summary>
    public static void Write(string path, int epoch, IReadOnlyList<NormalizedBox> boxes)
    {
        var counts = Counts(boxes);
        int highest = Math.Max(1, counts.Max());
        using var surface = Sheet(PlotWidth + 2 * Margin, PlotHeight + 2 * Margin + LineHeight);
        var canvas = surface.Canvas;
        double mean = boxes.Count == 0 ? double.NaN : boxes.Average(b => b.Area);
        Text(canvas, string.Create(CultureInfo.InvariantCulture, $"Box area after epoch {epoch}: {boxes.Count} images, mean {mean:F3}"), Margin, LineHeight);
        float baseY = Margin + LineHeight + PlotHeight, barWidth = (float)PlotWidth / Bins;
        using var bar = new SKPaint { Color = new SKColor(70, 110, 200), Style = SKPaintStyle.Fill };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1 };
        for (int i = 0; i < Bins; i++)
        {
            float h = PlotHeight * counts[i] / (float)highest;
            canvas.DrawRect(SKRect.Create(Margin + i * barWidth + 1, baseY - h, barWidth - 2, h), bar);
        }
        canvas.DrawLine(Margin, baseY, Margin + PlotWidth, baseY, axis);
        canvas.DrawLine(Margin, baseY, Margin, baseY - PlotHeight, axis);
        for (int tick = 0; tick <= 4; tick++)
            Text(canvas, (tick / 4.0).ToString("0.##", CultureInfo.InvariantCulture), Margin + tick * PlotWidth / 4f - 8, baseY + 16, 12);
        Text(canvas, highest.ToString(CultureInfo.InvariantCulture), 4, baseY - PlotHeight + 10, 12);
        Text(canvas, "box area / image area", Margin + PlotWidth / 2f - 60, baseY + 32, 12);
        SavePng(surface, path);
    }
}
