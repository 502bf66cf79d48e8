using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Imaging.Sheets;
using SkiaSharp;
using static ContrastiveCrop.Imaging.Sheets.SheetDrawing;
using static ContrastiveCrop.Plugins.Samplers.Diagnostics.DiagnosticSheets;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>
/// The paper's fig. 3 for one update: for sample images, the two views RandomResizedCrop would take
/// and the two ContrastiveCrop will take in the next epoch. Both use the loader's per-view seeds, so
/// each pair has the same sizes and differs only in placement, and the ContrastiveCrop crops are
/// exactly those of the next epoch (before flips and colour changes). Each group is a <see cref="CropRow"/>, drawn as
/// <c>ccrop crops preview</c> draws its rows, with the learned box added.
/// </summary>
internal static class CropPairSheet
{
    /// <summary>Images on a sheet.</summary>
    public const int Samples = 8;

    /// <summary>Side of the image tile and of each enlarged crop.</summary>
    public const int Tile = 80;

    /// <summary>Width of one group: the image, two crops, and a wider gap before the next group.</summary>
    public const int GroupWidth = 3 * (Tile + Gap) + 3 * Gap;

    /// <summary>Top of the first row: below the two caption lines.</summary>
    public const int Top = Gap + 2 * LineHeight;

    /// <summary>Top-left corner of the image tile of group <paramref name="group"/> in row <paramref name="row"/>.</summary>
    public static (int X, int Y) Origin(int row, int group) => (Gap + group * GroupWidth, Top + row * (Tile + Gap));

    /// <summary>Draws the sheet; <paramref name="reference"/> null leaves the RandomResizedCrop columns out.</summary>
    public static void Write(string path, int nextEpoch, IReadOnlyList<RgbImage> images, IReadOnlyList<int> indices,
        IReadOnlyList<NormalizedBox> boxes, ICropSampler sampler, ICropSampler? reference, long seed)
    {
        int groups = reference is null ? 1 : 2;
        // Wide enough for the two caption lines even without the RandomResizedCrop columns.
        int width = Math.Max(640, Gap + groups * GroupWidth);
        using var surface = Sheet(width, Top + images.Count * (Tile + Gap));
        var canvas = surface.Canvas;
        Text(canvas, $"Crop pairs for epoch {nextEpoch + 1}: " + (reference is null ? "" : "RandomResizedCrop (left) vs ") + "ContrastiveCrop (right; box in red)", Gap, LineHeight);
        Text(canvas, $"each group: image with view 1 ({ViewColourName(0)}) and view 2 ({ViewColourName(1)}), then the two crops", Gap, 2 * LineHeight - 3);
        for (int i = 0; i < images.Count; i++)
        {
            using var image = ToImage(images[i]);
            int group = 0;
            if (reference is not null)
                DrawGroup(canvas, image, images[i], Crops(reference, images[i], indices[i], nextEpoch, seed), null, Origin(i, group++));
            DrawGroup(canvas, image, images[i], Crops(sampler, images[i], indices[i], nextEpoch, seed), boxes[i], Origin(i, group));
        }
        SavePng(surface, path);
    }

    /// <summary>The two views' crops, with the seeds ViewBatchLoader uses for this image and view in <paramref name="epoch"/>.</summary>
    public static CropBox[] Crops(ICropSampler sampler, RgbImage image, int index, int epoch, long seed) =>
        [.. Enumerable.Range(0, 2).Select(view => sampler.Sample(
            new CropRequest(index, view, image.Height, image.Width) { Epoch = epoch, Pixels = image.Pixels },
            new Random(DeterministicSeed.Combine(seed, epoch, index, view))))];

    /// <summary>Screen pixels per image pixel: the image's longer side fills the tile.</summary>
    public static double Scale(RgbImage image) => (double)Tile / Math.Max(image.Height, image.Width);

    private static void DrawGroup(SKCanvas canvas, SKImage image, RgbImage rgb, CropBox[] crops, NormalizedBox? box, (int X, int Y) origin)
    {
        double scale = Scale(rgb);
        CropRow.Draw(canvas, image, rgb, crops, origin, scale, origin.X + Tile + Gap, Tile);
        // The learned box, under which the views were placed, over the same (aspect-preserving) image tile.
        if (box is { } b)
            DrawBox(canvas, SKRect.Create(origin.X, origin.Y, (float)Math.Round(rgb.Width * scale), (float)Math.Round(rgb.Height * scale)), b, Learned);
    }
}
