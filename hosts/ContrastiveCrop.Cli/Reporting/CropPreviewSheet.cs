using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Previews;
using ContrastiveCrop.Sdk.Checkpoints;
using SkiaSharp;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// Draws crop previews of any sampler: one row per image, the image with each view's crop outlined in the view's
/// colour, then each view's crop enlarged. The outlines are axis-aligned, solid and not antialiased, on pixel
/// boundaries of the enlarged image, so the sheet shows the sampler's integers exactly (and a test can read them back).
/// </summary>
internal static class CropPreviewSheet
{
    /// <summary>Space between tiles and around the sheet.</summary>
    public const int Gap = 4;
    /// <summary>Height of the caption at the top.</summary>
    public const int Header = 2 * 18 + Gap;
    /// <summary>Width of the column holding each row's image index.</summary>
    public const int LabelWidth = 48;
    /// <summary>The longest side of an image tile, roughly (small images are enlarged by a whole factor).</summary>
    public const int TileSide = 128;

    /// <summary>Outline colours of view 0, 1, 2, ... (repeating).</summary>
    public static readonly SKColor[] ViewColours = [new(255, 220, 0), new(0, 200, 255), new(255, 0, 200), new(40, 220, 60)];

    /// <summary>
    /// Screen pixels per image pixel: a whole factor for images up to <see cref="TileSide"/> (so every image pixel
    /// is a square block), a fraction for larger ones.
    /// </summary>
    public static double Scale(int height, int width)
    {
        int side = Math.Max(height, width);
        return side <= TileSide ? TileSide / side : (double)TileSide / side;
    }

    /// <summary>Top-left corner of row <paramref name="row"/>'s image tile on a sheet whose tallest image is <paramref name="rowHeight"/> pixels.</summary>
    public static (int X, int Y) ImageOrigin(int row, int rowHeight) => (Gap + LabelWidth, Header + row * (rowHeight + Gap));

    /// <summary>The sheet-pixel rectangle [x0, x1) × [y0, y1) that outlines <paramref name="crop"/> in a tile at <paramref name="origin"/>.</summary>
    public static SKRectI Outline((int X, int Y) origin, CropBox crop, double scale) => new(
        origin.X + (int)Math.Round(crop.Left * scale), origin.Y + (int)Math.Round(crop.Top * scale),
        origin.X + (int)Math.Round((crop.Left + crop.Width) * scale), origin.Y + (int)Math.Round((crop.Top + crop.Height) * scale));

    /// <summary>Height of one row: the tallest enlarged image.</summary>
    public static int RowHeight(IReadOnlyList<CropPreviewRow> rows) =>
        rows.Max(r => (int)Math.Round(r.Image.Height * Scale(r.Image.Height, r.Image.Width)));

    /// <summary>Writes the sheet as a PNG at <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, IReadOnlyList<CropPreviewRow> rows, string title, string subtitle)
    {
        int views = rows.Max(r => r.Crops.Count);
        int rowHeight = RowHeight(rows);
        int imageWidth = rows.Max(r => (int)Math.Round(r.Image.Width * Scale(r.Image.Height, r.Image.Width)));
        using var captionFont = new SKFont(SKTypeface.Default, 13);
        int captions = (int)Math.Ceiling(Math.Max(captionFont.MeasureText(title), captionFont.MeasureText(subtitle))) + 2 * Gap;
        int width = Math.Max(captions, Gap + LabelWidth + imageWidth + views * (rowHeight + Gap) + Gap);
        using var surface = SKSurface.Create(new SKImageInfo(width, Header + rows.Count * (rowHeight + Gap), SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Text(canvas, title, Gap, 16);
        Text(canvas, subtitle, Gap, 34);
        var nearest = new SKSamplingOptions(SKFilterMode.Nearest);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            double scale = Scale(row.Image.Height, row.Image.Width);
            var origin = ImageOrigin(r, rowHeight);
            using var image = ToImage(row.Image);
            Text(canvas, $"#{row.Index}", Gap, origin.Y + 14);
            var tile = SKRect.Create(origin.X, origin.Y, (float)Math.Round(row.Image.Width * scale), (float)Math.Round(row.Image.Height * scale));
            canvas.DrawImage(image, SKRect.Create(row.Image.Width, row.Image.Height), tile, nearest);
            for (int v = 0; v < row.Crops.Count; v++)
                DrawOutline(canvas, Outline(origin, row.Crops[v], scale), ViewColours[v % ViewColours.Length], scale >= 2 ? 2 : 1);
            float x = origin.X + imageWidth + Gap;
            for (int v = 0; v < row.Crops.Count; v++, x += rowHeight + Gap)
            {
                var c = row.Crops[v];
                canvas.DrawImage(image, SKRect.Create(c.Left, c.Top, c.Width, c.Height), SKRect.Create(x, origin.Y, rowHeight, rowHeight), nearest);
            }
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }

    // Four filled bands inside the rectangle: exact pixels, unlike an antialiased stroke centred on the edge.
    private static void DrawOutline(SKCanvas canvas, SKRectI box, SKColor colour, int thickness)
    {
        using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Fill, IsAntialias = false };
        int t = Math.Min(thickness, Math.Min(box.Width, box.Height));
        canvas.DrawRect(SKRect.Create(box.Left, box.Top, box.Width, t), paint);
        canvas.DrawRect(SKRect.Create(box.Left, box.Bottom - t, box.Width, t), paint);
        canvas.DrawRect(SKRect.Create(box.Left, box.Top, t, box.Height), paint);
        canvas.DrawRect(SKRect.Create(box.Right - t, box.Top, t, box.Height), paint);
    }

    private static SKImage ToImage(RgbImage image)
    {
        var rgba = new byte[image.Height * image.Width * 4];
        for (int i = 0; i < image.Height * image.Width; i++)
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (image.Pixels[3 * i], image.Pixels[3 * i + 1], image.Pixels[3 * i + 2], 255);
        return SKImage.FromPixelCopy(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
    }

    private static void Text(SKCanvas canvas, string text, float x, float y)
    {
        using var font = new SKFont(SKTypeface.Default, 13);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
    }
}
