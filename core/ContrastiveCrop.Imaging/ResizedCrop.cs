using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging;

/// <summary>
/// Cuts a crop out of an 8-bit RGB image and resizes it bilinearly to a square, writing normalised
/// floats in CHW order. Sampling uses pixel centres (align_corners = false), like torchvision's
/// tensor resize without antialiasing.
/// </summary>
public static class ResizedCrop
{
    /// <summary>
    /// Writes crop <paramref name="crop"/> of <paramref name="image"/>, resized to
    /// <paramref name="size"/>², optionally mirrored, as (x/255 − mean)/std into
    /// <paramref name="destination"/> (length 3·size²).
    /// </summary>
    public static void Write(RgbImage image, CropBox crop, int size, bool flip, Normalization norm, Span<float> destination)
    {
        if (destination.Length != 3 * size * size)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {3 * size * size} are needed.");
        double scaleY = (double)crop.Height / size, scaleX = (double)crop.Width / size;
        var pixels = image.Pixels;
        int plane = size * size;
        Span<int> x0 = stackalloc int[size];
        Span<int> x1 = stackalloc int[size];
        Span<float> wx = stackalloc float[size];
        for (int ox = 0; ox < size; ox++)
        {
            double sx = Math.Clamp((ox + 0.5) * scaleX - 0.5, 0, crop.Width - 1);
            int ix = (int)sx;
            x0[ox] = crop.Left + ix;
            x1[ox] = crop.Left + Math.Min(ix + 1, crop.Width - 1);
            wx[ox] = (float)(sx - ix);
        }
        for (int oy = 0; oy < size; oy++)
        {
            double sy = Math.Clamp((oy + 0.5) * scaleY - 0.5, 0, crop.Height - 1);
            int iy = (int)sy;
            float wy = (float)(sy - iy);
            int row0 = (crop.Top + iy) * image.Width * 3;
            int row1 = (crop.Top + Math.Min(iy + 1, crop.Height - 1)) * image.Width * 3;
            for (int ox = 0; ox < size; ox++)
            {
                int dx = flip ? size - 1 - ox : ox;
                int a = row0 + x0[ox] * 3, b = row0 + x1[ox] * 3, c = row1 + x0[ox] * 3, d = row1 + x1[ox] * 3;
                float fx = wx[ox];
                for (int ch = 0; ch < 3; ch++)
                {
                    float top = pixels[a + ch] + (pixels[b + ch] - pixels[a + ch]) * fx;
                    float bottom = pixels[c + ch] + (pixels[d + ch] - pixels[c + ch]) * fx;
                    float value = (top + (bottom - top) * wy) / 255f;
                    destination[ch * plane + oy * size + dx] = (value - norm.Mean[ch]) / norm.Std[ch];
                }
            }
        }
    }
}
