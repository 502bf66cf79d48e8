using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>
/// Per-channel look-up-table operations with PIL's semantics (ImageOps): autocontrast, equalize,
/// solarize, posterize.
/// </summary>
public static class LookupOps
{
    /// <summary>Stretches each channel so its darkest value becomes 0 and its brightest 255 (no cut-off).</summary>
    public static RgbImage AutoContrast(RgbImage image) => PerChannel(image, histogram =>
    {
        int lo = Array.FindIndex(histogram, c => c > 0), hi = Array.FindLastIndex(histogram, c => c > 0);
        var lut = Identity();
        if (hi <= lo) return lut;
        double scale = 255.0 / (hi - lo), offset = -lo * scale;
        for (int i = 0; i < 256; i++) lut[i] = (byte)Math.Clamp((int)(i * scale + offset), 0, 255);
        return lut;
    });

    /// <summary>
    /// Histogram equalisation per channel, as PIL computes it: step = (pixels − count of the last
    /// occupied level) / 255, and level i maps to (step/2 + pixels below i) / step.
    /// </summary>
    public static RgbImage Equalize(RgbImage image) => PerChannel(image, histogram =>
    {
        var lut = Identity();
        var occupied = histogram.Where(c => c > 0).ToArray();
        if (occupied.Length <= 1) return lut;
        int step = (occupied.Sum() - occupied[^1]) / 255;
        if (step == 0) return lut;
        int n = step / 2;
        for (int i = 0; i < 256; i++)
        {
            lut[i] = (byte)Math.Min(255, n / step);
            n += histogram[i];
        }
        return lut;
    });

    /// <summary>Inverts every value at or above <paramref name="threshold"/>.</summary>
    public static RgbImage Solarize(RgbImage image, int threshold)
    {
        var lut = Identity();
        for (int i = Math.Max(0, threshold); i < 256; i++) lut[i] = (byte)(255 - i);
        return Apply(image, [lut, lut, lut]);
    }

    /// <summary>Keeps the top <paramref name="bits"/> bits of every value (1–8).</summary>
    public static RgbImage Posterize(RgbImage image, int bits)
    {
        if (bits is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(bits), bits, "posterize keeps 1 to 8 bits");
        byte mask = (byte)~((1 << (8 - bits)) - 1);
        var lut = Identity();
        for (int i = 0; i < 256; i++) lut[i] = (byte)(i & mask);
        return Apply(image, [lut, lut, lut]);
    }

    private static byte[] Identity() => Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    private static RgbImage PerChannel(RgbImage image, Func<int[], byte[]> lutOf)
    {
        var histograms = new int[3][];
        for (int c = 0; c < 3; c++) histograms[c] = new int[256];
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i++) histograms[i % 3][p[i]]++;
        return Apply(image, histograms.Select(lutOf).ToArray());
    }

    private static RgbImage Apply(RgbImage image, byte[][] luts)
    {
        var p = image.Pixels;
        var result = new byte[p.Length];
        for (int i = 0; i < p.Length; i++) result[i] = luts[i % 3][p[i]];
        return new RgbImage(image.Height, image.Width, result);
    }
}
