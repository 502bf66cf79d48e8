using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Checkpoints;
using SkiaSharp;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>Drawing primitives shared by the diagnostic sheets (SkiaSharp; PNG files anyone can open).</summary>
internal static class SheetDrawing
{
    /// <summary>Space between tiles and around the sheet.</summary>
    public const int Gap = 4;

    /// <summary>Height of a line of caption text.</summary>
    public const int LineHeight = 18;

    /// <summary>Learned boxes.</summary>
    public static readonly SKColor Learned = new(255, 40, 40);
    /// <summary>True object boxes.</summary>
    public static readonly SKColor Truth = new(40, 255, 80);
    /// <summary>First and second view of a crop pair.</summary>
    public static readonly SKColor[] Views = [new(255, 220, 0), new(0, 200, 255)];

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
        // Nearest-neighbour keeps tiny images' pixels visible when enlarged.
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        canvas.DrawImage(image, source ?? SKRect.Create(image.Width, image.Height), tile, sampling);
    }

    /// <summary>Outlines a normalised box inside <paramref name="tile"/>.</summary>
    public static void DrawBox(SKCanvas canvas, SKRect tile, NormalizedBox box, SKColor colour, bool dashed = false)
    {
        using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        if (dashed) paint.PathEffect = SKPathEffect.CreateDash([4, 3], 0);
        canvas.DrawRect(new SKRect(
            tile.Left + box.W0 * tile.Width, tile.Top + box.H0 * tile.Height,
            tile.Left + box.W1 * tile.Width, tile.Top + box.H1 * tile.Height), paint);
    }

    /// <summary>Outlines a crop of a <paramref name="height"/> × <paramref name="width"/> image inside <paramref name="tile"/>.</summary>
    public static void DrawCrop(SKCanvas canvas, SKRect tile, CropBox crop, int height, int width, SKColor colour) =>
        DrawBox(canvas, tile, new NormalizedBox(
            (float)crop.Top / height, (float)crop.Left / width,
            (float)(crop.Top + crop.Height) / height, (float)(crop.Left + crop.Width) / width), colour);

    /// <summary>Writes one line of black text with its baseline at <paramref name="y"/>.</summary>
    public static void Text(SKCanvas canvas, string text, float x, float y, float size = 13)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
    }

    /// <summary>The jet colour map: 0 → dark blue, 0.5 → green-yellow, 1 → dark red.</summary>
    public static (byte R, byte G, byte B) Jet(float t)
    {
        t = Math.Clamp(t, 0, 1);
        static byte Channel(float v) => (byte)(255 * Math.Clamp(1.5f - Math.Abs(v), 0, 1));
        return (Channel(4 * t - 3), Channel(4 * t - 2), Channel(4 * t - 1));
    }

    /// <summary>Encodes the sheet as PNG and writes it atomically.</summary>
    public static void SavePng(SKSurface surface, string path)
    {
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }
}
