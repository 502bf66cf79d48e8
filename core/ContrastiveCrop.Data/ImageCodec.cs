using ContrastiveCrop.Contracts;
using SkiaSharp;

namespace ContrastiveCrop.Data;

/// <summary>Reads JPEG/PNG files into 8-bit RGB images and writes PNGs, with SkiaSharp.</summary>
/// <remarks>
/// Alpha is dropped without compositing and EXIF orientation is ignored, as PIL's
/// <c>Image.open(path).convert("RGB")</c> in torchvision's ImageFolder does.
/// </remarks>
public static class ImageCodec
{
    /// <summary>Decodes <paramref name="path"/>; throws <see cref="DatasetException"/> naming the file when it is not a readable image.</summary>
    public static RgbImage Decode(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read image '{path}': {e.Message}", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="name"/> is used in error messages.</summary>
    public static unsafe RgbImage Decode(byte[] encoded, string name)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new DatasetException($"'{name}' is not a readable JPEG or PNG image (corrupt or unsupported format).");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        SKCodecResult result;
        fixed (byte* p = rgba) result = codec.GetPixels(info, (IntPtr)p);
        if (result != SKCodecResult.Success)
            throw new DatasetException($"'{name}' could not be decoded ({result}): the file is truncated or corrupt.");
        var rgb = new byte[info.Width * info.Height * 3];
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            rgb[o] = rgba[i];
            rgb[o + 1] = rgba[i + 1];
            rgb[o + 2] = rgba[i + 2];
        }
        return new RgbImage(info.Height, info.Width, rgb);
    }

    /// <summary>Encodes <paramref name="image"/> as a (lossless) PNG.</summary>
    public static byte[] EncodePng(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>Encodes <paramref name="image"/> as a JPEG of the given quality (for tests and benchmarks).</summary>
    public static byte[] EncodeJpeg(RgbImage image, int quality) => Encode(image, SKEncodedImageFormat.Jpeg, quality);

    private static unsafe byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = new byte[info.BytesSize];
        var rgb = image.Pixels;
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = 255;
        }
        fixed (byte* p = rgba)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, info.RowBytes);
            using var encoded = pixmap.Encode(format, quality)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {format} image.");
            return encoded.ToArray();
        }
    }
}
