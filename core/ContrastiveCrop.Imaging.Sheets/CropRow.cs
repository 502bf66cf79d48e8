using ContrastiveCrop.Contracts;
using SkiaSharp;

namespace ContrastiveCrop.Imaging.Sheets;

/// <summary>
/// One row of a crop sheet, as <c>ccrop crops preview</c> and ContrastiveCrop's crop-pair diagnostics draw it: the image
/// enlarged with each view's crop outlined in the view's colour (<see cref="SheetDrawing.ViewColours"/>), then each
/// view's crop enlarged into a square. Outlines are exact pixel bands on the enlarged image, so a sheet shows the
/// sampler's integers (and a test can read them back).
/// </summary>
public static class CropRow
{
    /// <summary>
    /// Screen pixels per image pixel for an image tile of about <paramref name="tileSide"/> pixels: a whole factor for
    /// images up to that side (every image pixel a square block), a fraction for larger ones.
    /// </summary>
    public static double Scale(int height, int width, int tileSide)
    {
        int side = Math.Max(height, width);
        return side <= tileSide ? tileSide / side : (double)tileSide / side;
    }

    /// <summary>The sheet-pixel rectangle [x0, x1) × [y0, y1) that outlines <paramref name="crop"/> in an image tile at <paramref name="origin"/>.</summary>
    public static SKRectI Outline((int X, int Y) origin, CropBox crop, double scale) => new(
        origin.X + (int)Math.Round(crop.Left * scale), origin.Y + (int)Math.Round(crop.Top * scale),
        origin.X + (int)Math.Round((crop.Left + crop.Width) * scale), origin.Y + (int)Math.Round((crop.Top + crop.Height) * scale));

    /// <summary>
    /// Draws the row: <paramref name="image"/> (<paramref name="rgb"/>'s pixels) at <paramref name="origin"/> enlarged
    /// by <paramref name="scale"/>, the crops outlined on it (view 0 first, so later views are on top), then each crop
    /// in a <paramref name="cropSide"/>-pixel square from <paramref name="cropsX"/> on, <see cref="SheetDrawing.Gap"/> apart.
    /// </summary>
    public static void Draw(SKCanvas canvas, SKImage image, RgbImage rgb, IReadOnlyList<CropBox> crops, (int X, int Y) origin, double scale,
                            float cropsX, int cropSide)
    {
        var tile = SKRect.Create(origin.X, origin.Y, (float)Math.Round(rgb.Width * scale), (float)Math.Round(rgb.Height * scale));
        SheetDrawing.DrawImage(canvas, image, tile);
        for (int v = 0; v < crops.Count; v++)
            SheetDrawing.DrawOutline(canvas, Outline(origin, crops[v], scale), SheetDrawing.ViewColours[v % SheetDrawing.ViewColours.Count], scale >= 2 ? 2 : 1);
        float x = cropsX;
        for (int v = 0; v < crops.Count; v++, x += cropSide + SheetDrawing.Gap)
        {
            var c = crops[v];
            SheetDrawing.DrawImage(canvas, image, SKRect.Create(x, origin.Y, cropSide, cropSide), SKRect.Create(c.Left, c.Top, c.Width, c.Height));
        }
    }
}
