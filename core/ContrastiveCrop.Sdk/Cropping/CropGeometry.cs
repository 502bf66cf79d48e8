using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Sdk.Cropping;

/// <summary>
/// The crop-size rule of torchvision's RandomResizedCrop, shared by the samplers: area drawn
/// uniformly in <c>scale</c> × image area, aspect ratio log-uniform in <c>ratio</c>, ten tries for a
/// crop that fits, else a central crop clipped to the ratio range.
/// </summary>
public static class CropGeometry
{
    /// <summary>Number of tries before the central fallback, as in torchvision.</summary>
    public const int Attempts = 10;

    /// <summary>
    /// Draws a crop height and width that fit in <paramref name="height"/> × <paramref name="width"/>;
    /// returns false (with the fallback central size) when ten tries fail.
    /// </summary>
    public static bool TrySampleSize(int height, int width, ScaleRatio range, Random random, out int cropHeight, out int cropWidth)
    {
        double area = (double)height * width;
        double logMin = Math.Log(range.RatioMin), logMax = Math.Log(range.RatioMax);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double targetArea = area * Uniform(random, range.ScaleMin, range.ScaleMax);
            double aspect = Math.Exp(Uniform(random, logMin, logMax));
            // Python's round() is round-half-to-even, as is Math.Round's default.
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                cropHeight = h;
                cropWidth = w;
                return true;
            }
        }
        (cropHeight, cropWidth) = CentralSize(height, width, range);
        return false;
    }

    /// <summary>The fallback: the whole image, trimmed to the nearest allowed aspect ratio.</summary>
    public static (int Height, int Width) CentralSize(int height, int width, ScaleRatio range)
    {
        double inRatio = (double)width / height;
        if (inRatio < range.RatioMin) return ((int)Math.Round(width / range.RatioMin), width);
        if (inRatio > range.RatioMax) return (height, (int)Math.Round(height * range.RatioMax));
        return (height, width);
    }

    /// <summary>
    /// <paramref name="range"/> with its area range replaced by <paramref name="scale"/> when a view asks
    /// for its own (<see cref="CropRequest.Scale"/>, multi-crop's small views); the ratio range is kept.
    /// </summary>
    public static ScaleRatio WithScale(ScaleRatio range, CropScale? scale) =>
        scale is { } s ? range with { ScaleMin = s.Min, ScaleMax = s.Max } : range;

    /// <summary>A draw from U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();
}

/// <summary>The area-fraction and aspect-ratio ranges of a random resized crop.</summary>
/// <param name="ScaleMin">Smallest crop area as a fraction of the image.</param>
/// <param name="ScaleMax">Largest crop area as a fraction of the image.</param>
/// <param name="RatioMin">Smallest width/height ratio.</param>
/// <param name="RatioMax">Largest width/height ratio.</param>
public readonly record struct ScaleRatio(double ScaleMin, double ScaleMax, double RatioMin, double RatioMax);
