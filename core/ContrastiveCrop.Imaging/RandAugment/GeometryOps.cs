using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>
/// Affine resampling with nearest-neighbour lookup, as PIL's Image.transform(AFFINE) and rotate do:
/// each output pixel (x, y) takes the input pixel at (a·x + b·y + c, d·x + e·y + f); outside is fill.
/// </summary>
public static class GeometryOps
{
    /// <summary>The grey RandAugment implementations fill uncovered pixels with.</summary>
    public const byte Fill = 128;

    /// <summary>Rotates counter-clockwise by <paramref name="degrees"/> about the image centre.</summary>
    public static RgbImage Rotate(RgbImage image, double degrees)
    {
        double angle = -degrees * Math.PI / 180, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double cx = image.Width / 2.0, cy = image.Height / 2.0;
        // Inverse map about the centre, in pixel-centre coordinates.
        return Affine(image, cos, sin, cx - cos * cx - sin * cy, -sin, cos, cy + sin * cx - cos * cy);
    }

    /// <summary>Horizontal shear: input x = x + <paramref name="shear"/>·y.</summary>
    public static RgbImage ShearX(RgbImage image, double shear) => Affine(image, 1, shear, 0, 0, 1, 0);

    /// <summary>Vertical shear: input y = y + <paramref name="shear"/>·x.</summary>
    public static RgbImage ShearY(RgbImage image, double shear) => Affine(image, 1, 0, 0, shear, 1, 0);

    /// <summary>Horizontal shift: input x = x + <paramref name="pixels"/> (content moves left for positive values).</summary>
    public static RgbImage TranslateX(RgbImage image, double pixels) => Affine(image, 1, 0, pixels, 0, 1, 0);

    /// <summary>Vertical shift: input y = y + <paramref name="pixels"/>.</summary>
    public static RgbImage TranslateY(RgbImage image, double pixels) => Affine(image, 1, 0, 0, 0, 1, pixels);

    private static RgbImage Affine(RgbImage image, double a, double b, double c, double d, double e, double f)
    {
        int h = image.Height, w = image.Width;
        var p = image.Pixels;
        var result = new byte[p.Length];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            // PIL samples at pixel centres and floors the source coordinate.
            double sx = a * (x + 0.5) + b * (y + 0.5) + c, sy = d * (x + 0.5) + e * (y + 0.5) + f;
            int ix = (int)Math.Floor(sx), iy = (int)Math.Floor(sy), o = (y * w + x) * 3;
            if (ix < 0 || iy < 0 || ix >= w || iy >= h)
            {
                result[o] = result[o + 1] = result[o + 2] = Fill;
                continue;
            }
            int s = (iy * w + ix) * 3;
            result[o] = p[s];
            result[o + 1] = p[s + 1];
            result[o + 2] = p[s + 2];
        }
        return new RgbImage(h, w, result);
    }
}
