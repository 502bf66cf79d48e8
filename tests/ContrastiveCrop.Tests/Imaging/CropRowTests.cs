using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Sheets;
using NUnit.Framework;
using SkiaSharp;

namespace ContrastiveCrop.Tests.Imaging;

/// <summary>
/// The crop row both the host's crop preview and ContrastiveCrop's crop-pair sheets draw: each view's crop outlined in
/// exact pixel bands of its colour on the enlarged image, then the crop enlarged with nearest-neighbour pixels.
/// </summary>
[TestFixture]
public sealed class CropRowTests
{
    private static readonly SKColor Yellow = new(255, 220, 0), Blue = new(0, 200, 255);

    /// <summary>A 4 × 6 image whose pixel (row r, column c) is (40·r, 40·c, 200): every pixel tells where it came from.</summary>
    private static RgbImage Image()
    {
        var pixels = new byte[4 * 6 * 3];
        for (int r = 0; r < 4; r++)
        for (int c = 0; c < 6; c++)
            (pixels[3 * (r * 6 + c)], pixels[3 * (r * 6 + c) + 1], pixels[3 * (r * 6 + c) + 2]) = ((byte)(40 * r), (byte)(40 * c), 200);
        return new RgbImage(4, 6, pixels);
    }

    private static SKColor Pixel(int r, int c) => new((byte)(40 * r), (byte)(40 * c), 200);

    [Test]
    public void A_crop_row_outlines_each_view_exactly_and_enlarges_its_crop_with_nearest_pixels()
    {
        var rgb = Image();
        CropBox view1 = new(1, 2, 2, 3), view2 = new(0, 0, 4, 6); // (top, left, height, width)
        // 6 columns in a 30-pixel tile: a whole factor of 5.
        double scale = CropRow.Scale(4, 6, 30);
        Assert.That(scale, Is.EqualTo(5));

        using var surface = SheetDrawing.Sheet(120, 60);
        using (var image = SheetDrawing.ToImage(rgb))
            CropRow.Draw(surface.Canvas, image, rgb, [view1, view2], (10, 20), scale, cropsX: 50, cropSide: 10);
        using var snapshot = surface.Snapshot();
        using var sheet = SKBitmap.FromImage(snapshot);

        // View 1: columns 2-4, rows 1-2 → sheet x [10 + 10, 10 + 25), y [20 + 5, 20 + 15); a 2-pixel band (scale ≥ 2).
        Assert.That(CropRow.Outline((10, 20), view1, scale), Is.EqualTo(new SKRectI(20, 25, 35, 35)));
        foreach (var (x, y) in new[] { (20, 25), (34, 25), (20, 34), (34, 34), (21, 26), (27, 25), (33, 30) })
            Assert.That(sheet.GetPixel(x, y), Is.EqualTo(Yellow), $"view 1's band at ({x}, {y})");
        // Just inside the band: the image, pixel (row (27 − 20) / 5 = 1, column (22 − 10) / 5 = 2).
        Assert.That(sheet.GetPixel(22, 27), Is.EqualTo(Pixel(1, 2)));
        // View 2 is the whole image, drawn last: its band is the tile's border, over view 1 nowhere.
        foreach (var (x, y) in new[] { (10, 20), (39, 20), (10, 39), (39, 39), (11, 30), (38, 30) })
            Assert.That(sheet.GetPixel(x, y), Is.EqualTo(Blue), $"view 2's band at ({x}, {y})");
        Assert.That(sheet.GetPixel(12, 22), Is.EqualTo(Pixel(0, 0)), "inside both bands: the image");
        Assert.That(sheet.GetPixel(40, 30), Is.EqualTo(SKColors.White), "nothing right of the tile");

        // View 1's crop (2 × 3 pixels) in the 10-pixel square at x 50: destination pixel d samples source ⌊(d + ½)·n/10⌋.
        Assert.That(sheet.GetPixel(50, 20), Is.EqualTo(Pixel(1, 2)));
        Assert.That(sheet.GetPixel(59, 29), Is.EqualTo(Pixel(2, 4)));
        Assert.That(sheet.GetPixel(53, 24), Is.EqualTo(Pixel(1, 3)), "(3.5·0.3, 4.5·0.2) → column 1, row 0 of the crop");
        // View 2's crop follows 10 + Gap pixels later: the whole image.
        Assert.That(sheet.GetPixel(50 + 10 + SheetDrawing.Gap, 20), Is.EqualTo(Pixel(0, 0)));
        Assert.That(sheet.GetPixel(50 + 10 + SheetDrawing.Gap + 9, 29), Is.EqualTo(Pixel(3, 5)));
    }

    [TestCase(16, 16, 128, 8.0)]
    [TestCase(20, 30, 128, 4.0)]
    [TestCase(256, 512, 128, 0.25)]
    public void The_scale_is_a_whole_enlargement_for_small_images_and_a_fraction_for_large_ones(int height, int width, int tile, double expected) =>
        Assert.That(CropRow.Scale(height, width, tile), Is.EqualTo(expected));
}
