using ContrastiveCrop.Contracts;
using SkiaSharp;

namespace ContrastiveCrop.Imaging.Sheets;

/// <summary>
/// Drawing primitives of the image sheets (PNG files anyone can open): the host's <c>ccrop crops preview</c> and the
/// samplers plugin's ContrastiveCrop diagnostics (crop pairs, heatmaps, box areas) draw with these, so a crop or a
/// view looks the same on every sheet. SkiaSharp; the program that draws supplies its native library.
/// </summary>
public static class SheetDrawing
{
    /// <summary>Space between tiles and around a sheet.</summary>
    public const int Gap = 4;

    /// <summary>Height of a line of caption text.</summary>
    public const int LineHeight = 18;

    /// <summary>Outline colours of view 0, 1, 2, 3 (repeating): yellow, blue, magenta, green.</summary>
    public static readonly IReadOnlyList<SKColor> ViewColours = [new(255, 220, 0), new(0, 200, 255), new(255, 0, 200), new(40, 220, 60)];

    /// <summary>The name of view <paramref name="view"/>'s colour, for captions.</summary>
    public static string ViewColourName(int view) => (view % ViewColours.Count) switch
    {
        0 => "yellow", 1 => "blue", 2 => "magenta", _ => "green",
    };

    /// <summary>A white sheet of the given size.</summary>
    public static SKSurface Sheet(int width, int height)
    {
        var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        return surface;
    }

    /// <summary>The image as a Skia image (RGB bytes → opaque RGBA).</summary>
    public static SKImage ToImage(RgbImage image) => ToImage(image.Height, image.Width, i => (image.Pixels[3 * i], image.Pixels[3 * i + 1], image.Pixels[3 * i + 2]));

    /// <summary>An image whose pixel <c>i</c> (row-major) has colour <paramref name="pixel"/>(i).</summary>
    public static SKImage ToImage(int height, int width, Func<int, (byte R, byte G, byte B)> pixel)
    {
        var rgba = new byte[height * width * 4];
        for (int i = 0; i < height * width; i++)
        {
            var (r, g, b) = pixel(i);
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (r, g, b, 255);
        }
        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
    }

    /// <summary>Draws <paramref name="source"/> (a pixel rectangle of <paramref name="image"/>, or all of it) into <paramref name="tile"/>.</summary>
    public static void DrawImage(SKCanvas canvas, SKImage image, SKRect tile, SKRect? source = null)
    {
        // Nearest-neighbour keeps tiny images' pixels visible as blocks when enlarged.
        canvas.DrawImage(image, source ?? SKRect.Create(image.Width, image.Height), tile, new SKSamplingOptions(SKFilterMode.Nearest));
    }

    /// <summary>Outlines a normalised box inside <paramref name="tile"/> with an antialiased 2-pixel stroke (boxes that are fractions of an image).</summary>
    public static void DrawBox(SKCanvas canvas, SKRect tile, NormalizedBox box, SKColor colour, bool dashed = false)
    {
        using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        if (dashed) paint.PathEffect = SKPathEffect.CreateDash([4, 3], 0);
        canvas.DrawRect(new SKRect(
            tile.Left + box.W0 * tile.Width, tile.Top + box.H0 * tile.Height,
            tile.Left + box.W1 * tile.Width, tile.Top + box.H1 * tile.Height), paint);
    }

    /// <summary>
    /// Outlines the sheet-pixel rectangle <paramref name="box"/> with four filled bands of <paramref name="thickness"/>
    /// pixels inside it: exact pixels (crops are whole image pixels), unlike an antialiased stroke centred on the edge.
    /// </summary>
    public static void DrawOutline(SKCanvas canvas, SKRectI box, SKColor colour, int thickness)
    {
        using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Fill, IsAntialias = false };
        int t = Math.Min(thickness, Math.Min(box.Width, box.Height));
        canvas.DrawRect(SKRect.Create(box.Left, box.Top, box.Width, t), paint);
        canvas.DrawRect(SKRect.Create(box.Left, box.Bottom - t, box.Width, t), paint);
        canvas.DrawRect(SKRect.Create(box.Left, box.Top, t, box.Height), paint);
        canvas.DrawRect(SKRect.Create(box.Right - t, box.Top, t, box.Height), paint);
    }

    /// <summary>Writes one line of black text with its baseline at <paramref name="y"/>.</summary>
    public static void Text(SKCanvas canvas, string text, float x, float y, float size = 13)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
    }

    /// <summary>Width of <paramref name="text"/> as <see cref="Text"/> draws it.</summary>
    public static float TextWidth(string text, float size = 13)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        return font.MeasureText(text);
    }

    /// <summary>The jet colour map: 0 → dark blue, 0.5 → green-yellow, 1 → dark red.</summary>
    public static (byte R, byte G, byte B) Jet(float t)
    {
        t = Math.Clamp(t, 0, 1);
        static byte Channel(float v) => (byte)(255 * Math.Clamp(1.5f - Math.Abs(v), 0, 1));
        return (Channel(4 * t - 3), Channel(4 * t - 2), Channel(4 * t - 1));
    }

    /// <summary>The sheet encoded as PNG (the caller writes it, atomically).</summary>
    public static byte[] EncodePng(SKSurface surface)
    {
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
