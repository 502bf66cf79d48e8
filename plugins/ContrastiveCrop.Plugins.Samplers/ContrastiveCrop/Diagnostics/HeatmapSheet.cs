using ContrastiveCrop.Contracts;
using SkiaSharp;
using static ContrastiveCrop.Imaging.Sheets.SheetDrawing;
using static ContrastiveCrop.Plugins.Samplers.Diagnostics.DiagnosticSheets;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>
/// The paper's fig. 2 for one update: sample images with their learned box (red) and true box
/// (green, dashed, when known), each beside its heatmap blended over the image.
/// </summary>
internal static class HeatmapSheet
{
    /// <summary>Images on a sheet.</summary>
    public const int Samples = 16;

    private const int Tile = 96;
    private const int PairsPerRow = 8;

    /// <summary>
    /// Draws the sheet. <paramref name="heat"/> holds one row-major <paramref name="heatSize"/>²
    /// heatmap per image, values in [0, 1].
    /// </summary>
    public static void Write(string path, int epoch, IReadOnlyList<RgbImage> images, IReadOnlyList<NormalizedBox> boxes,
        IReadOnlyList<NormalizedBox>? truth, float[] heat, int heatSize)
    {
        int rows = (images.Count + PairsPerRow - 1) / PairsPerRow;
        int width = Gap + PairsPerRow * (2 * Tile + 2 * Gap);
        int top = Gap + 2 * LineHeight;
        using var surface = Sheet(width, top + rows * (Tile + Gap));
        var canvas = surface.Canvas;
        Text(canvas, $"ContrastiveCrop boxes after epoch {epoch}: image with learned box (red){(truth is null ? "" : " and true box (green, dashed)")}, heatmap overlay", Gap, LineHeight);
        Text(canvas, "heatmap: channel sum of the last feature map, min-max normalised, bilinearly upsampled (blue 0 -> red 1)", Gap, 2 * LineHeight - 3);
        int plane = heatSize * heatSize;
        for (int i = 0; i < images.Count; i++)
        {
            float x = Gap + i % PairsPerRow * (2 * Tile + 2 * Gap), y = top + i / PairsPerRow * (Tile + Gap);
            var left = SKRect.Create(x, y, Tile, Tile);
            var right = SKRect.Create(x + Tile + Gap, y, Tile, Tile);
            using var image = ToImage(images[i]);
            DrawImage(canvas, image, left);
            using var overlay = Overlay(images[i], heat.AsSpan(i * plane, plane).ToArray(), heatSize);
            DrawImage(canvas, overlay, right);
            foreach (var tile in new[] { left, right })
            {
                if (truth is not null) DrawBox(canvas, tile, truth[i], Truth, dashed: true);
                DrawBox(canvas, tile, boxes[i], Learned);
            }
        }
        SavePng(surface, path);
    }

    /// <summary>The heatmap (sampled at the image's pixels) in the jet colours, half blended over the image.</summary>
    private static SKImage Overlay(RgbImage image, float[] heat, int heatSize) =>
        ToImage(image.Height, image.Width, i =>
        {
            int y = i / image.Width, x = i % image.Width;
            var (r, g, b) = Jet(heat[y * heatSize / image.Height * heatSize + x * heatSize / image.Width]);
            byte Blend(byte a, byte c) => (byte)((a + c) / 2);
            return (Blend(image.Pixels[3 * i], r), Blend(image.Pixels[3 * i + 1], g), Blend(image.Pixels[3 * i + 2], b));
        });
}
