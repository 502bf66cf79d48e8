using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using SkiaSharp;
using static ContrastiveCrop.Plugins.Samplers.Diagnostics.SheetDrawing;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>
/// The paper's fig. 3 for one update: for sample images, the two views RandomResizedCrop would take
/// and the two ContrastiveCrop will take in the next epoch. Both use the loader's per-view seeds, so
/// each pair has the same sizes and differs only in placement, and the ContrastiveCrop crops are
/// exactly those of the next epoch (before flips and colour changes).
/// </summary>
internal static class CropPairSheet
{
    /// <summary>Images on a sheet.</summary>
    public const int Samples = 8;

    private const int Tile = 80;

    /// <summary>Draws the sheet; <paramref name="reference"/> null leaves the RandomResizedCrop columns out.</summary>
    public static void Write(string path, int nextEpoch, IReadOnlyList<RgbImage> images, IReadOnlyList<int> indices,
        IReadOnlyList<NormalizedBox> boxes, ICropSampler sampler, ICropSampler? reference, long seed)
    {
        int groups = reference is null ? 1 : 2;
        // Wide enough for the two caption lines even without the RandomResizedCrop columns.
        int width = Math.Max(640, Gap + groups * (3 * (Tile + Gap) + 3 * Gap));
        int top = Gap + 2 * LineHeight;
        using var surface = Sheet(width, top + images.Count * (Tile + Gap));
        var canvas = surface.Canvas;
        Text(canvas, $"Crop pairs for epoch {nextEpoch + 1}: " + (reference is null ? "" : "RandomResizedCrop (left) vs ") + "ContrastiveCrop (right; box in red)", Gap, LineHeight);
        Text(canvas, "each group: image with view 1 (yellow) and view 2 (blue), then the two crops", Gap, 2 * LineHeight - 3);
        for (int i = 0; i < images.Count; i++)
        {
            float y = top + i * (Tile + Gap);
            using var image = ToImage(images[i]);
            float x = Gap;
            if (reference is not null)
            {
                DrawGroup(canvas, image, images[i], indices[i], nextEpoch, seed, reference, null, x, y);
                x += 3 * (Tile + Gap) + 3 * Gap;
            }
            DrawGroup(canvas, image, images[i], indices[i], nextEpoch, seed, sampler, boxes[i], x, y);
        }
        SavePng(surface, path);
    }

    private static void DrawGroup(SKCanvas canvas, SKImage image, RgbImage rgb, int index, int epoch, long seed,
        ICropSampler sampler, NormalizedBox? box, float x, float y)
    {
        var whole = SKRect.Create(x, y, Tile, Tile);
        DrawImage(canvas, image, whole);
        if (box is { } b) DrawBox(canvas, whole, b, Learned);
        for (int view = 0; view < 2; view++)
        {
            // The same seed as ViewBatchLoader uses for this image and view.
            var random = new Random(DeterministicSeed.Combine(seed, epoch, index, view));
            var crop = sampler.Sample(new CropRequest(index, view, rgb.Height, rgb.Width) { Epoch = epoch, Pixels = rgb.Pixels }, random);
            DrawCrop(canvas, whole, crop, rgb.Height, rgb.Width, Views[view]);
            DrawImage(canvas, image, SKRect.Create(x + (view + 1) * (Tile + Gap), y, Tile, Tile), SKRect.Create(crop.Left, crop.Top, crop.Width, crop.Height));
        }
    }
}
