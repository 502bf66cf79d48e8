using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging;

/// <summary>
/// Cuts a crop out of an 8-bit RGB image and resizes it to a square with a bilinear (triangle)
/// filter, writing floats in CHW order.
/// </summary>
/// <remarks>
/// The filter is torchvision's <c>resize(..., antialias=True)</c> / PIL's BILINEAR: output pixel
/// centres map to <c>(i + 0.5)·scale</c> in the crop, and when shrinking (scale &gt; 1) the triangle
/// widens to a radius of <c>scale</c> input pixels so every input pixel contributes (no aliasing).
/// When enlarging it is plain bilinear interpolation with half-pixel centres (align_corners =
/// false) and edge clamping. Taps never read outside the crop, as torchvision crops before it
/// resizes. Computed in float: agrees with torchvision's float tensor path to ~1e-6 and with its PIL
/// path to within PIL's 8-bit rounding (≤ 1/255 per value plus PIL's 22-bit fixed-point weights).
/// </remarks>
public static class ResizedCrop
{
    /// <summary>
    /// Writes crop <paramref name="crop"/> of <paramref name="image"/>, resized to
    /// <paramref name="size"/>², optionally mirrored, as (x/255 − mean)/std into
    /// <paramref name="destination"/> (length 3·size²).
    /// </summary>
    public static void Write(RgbImage image, CropBox crop, int size, bool flip, Normalization norm, Span<float> destination)
    {
        Write(image, crop, size, flip, destination);
        norm.Apply(destination, size * size);
    }

    /// <summary>
    /// Writes crop <paramref name="crop"/> of <paramref name="image"/>, resized to
    /// <paramref name="size"/>², optionally mirrored, as values in [0, 1] into
    /// <paramref name="destination"/> (CHW, length 3·size²).
    /// </summary>
    public static void Write(RgbImage image, CropBox crop, int size, bool flip, Span<float> destination)
    {
        if (destination.Length != 3 * size * size)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {3 * size * size} are needed.");
        if (crop.Top < 0 || crop.Left < 0 || crop.Height < 1 || crop.Width < 1 ||
            crop.Top + crop.Height > image.Height || crop.Left + crop.Width > image.Width)
            throw new ArgumentException($"Crop {crop} does not lie inside the {image.Height}×{image.Width} image.");
        var columns = ResampleTable.Create(crop.Width, size);
        var rows = ResampleTable.Create(crop.Height, size);
        var pixels = image.Pixels;
        int plane = size * size;

        // Horizontal pass over every crop row into (crop rows × size × 3), then vertical into CHW.
        var horizontal = System.Buffers.ArrayPool<float>.Shared.Rent(crop.Height * size * 3);
        try
        {
            for (int y = 0; y < crop.Height; y++)
            {
                int rowBase = ((crop.Top + y) * image.Width + crop.Left) * 3;
                int outBase = y * size * 3;
                for (int ox = 0; ox < size; ox++)
                {
                    int start = columns.Start[ox], count = columns.Count[ox], w = ox * columns.MaxTaps;
                    float r = 0, g = 0, b = 0;
                    int p = rowBase + start * 3;
                    for (int t = 0; t < count; t++, p += 3)
                    {
                        float weight = columns.Weights[w + t];
                        r += pixels[p] * weight;
                        g += pixels[p + 1] * weight;
                        b += pixels[p + 2] * weight;
                    }
                    int o = outBase + ox * 3;
                    horizontal[o] = r;
                    horizontal[o + 1] = g;
                    horizontal[o + 2] = b;
                }
            }
            const float ToUnit = 1f / 255f;
            for (int oy = 0; oy < size; oy++)
            {
                int start = rows.Start[oy], count = rows.Count[oy], w = oy * rows.MaxTaps;
                for (int ox = 0; ox < size; ox++)
                {
                    float r = 0, g = 0, b = 0;
                    int p = start * size * 3 + ox * 3;
                    for (int t = 0; t < count; t++, p += size * 3)
                    {
                        float weight = rows.Weights[w + t];
                        r += horizontal[p] * weight;
                        g += horizontal[p + 1] * weight;
                        b += horizontal[p + 2] * weight;
                    }
                    int o = oy * size + (flip ? size - 1 - ox : ox);
                    destination[o] = r * ToUnit;
                    destination[plane + o] = g * ToUnit;
                    destination[2 * plane + o] = b * ToUnit;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(horizontal);
        }
    }

    /// <summary>Normalised triangle-filter taps of one axis: for output i, inputs Start[i] .. Start[i]+Count[i]−1.</summary>
    internal sealed class ResampleTable
    {
        public required int[] Start { get; init; }
        public required int[] Count { get; init; }
        public required float[] Weights { get; init; }
        public required int MaxTaps { get; init; }

        /// <summary>PIL's precompute_coeffs for the bilinear filter (support 1), in double precision.</summary>
        public static ResampleTable Create(int input, int output)
        {
            double scale = (double)input / output;
            double filterScale = Math.Max(scale, 1.0);
            double support = filterScale; // bilinear support (1) × filter scale
            int maxTaps = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[output];
            var count = new int[output];
            var weights = new float[output * maxTaps];
            Span<double> k = stackalloc double[maxTaps];
            for (int i = 0; i < output; i++)
            {
                double centre = (i + 0.5) * scale;
                int lo = Math.Max((int)(centre - support + 0.5), 0);
                int hi = Math.Min((int)(centre + support + 0.5), input);
                int n = hi - lo;
                double sum = 0;
                for (int t = 0; t < n; t++)
                {
                    double x = Math.Abs((t + lo - centre + 0.5) / filterScale);
                    k[t] = x < 1 ? 1 - x : 0;
                    sum += k[t];
                }
                start[i] = lo;
                count[i] = n;
                for (int t = 0; t < n; t++) weights[i * maxTaps + t] = (float)(sum > 0 ? k[t] / sum : 0);
            }
            return new ResampleTable { Start = start, Count = count, Weights = weights, MaxTaps = maxTaps };
        }
    }
}
