namespace ContrastiveCrop.Data;

/// <summary>
/// Drawing pieces of the generated objects-on-clutter images: textured coloured backgrounds,
/// saturated tints and ten simple shapes (used when no Fashion-MNIST items are available).
/// </summary>
public static class Clutter
{
    /// <summary>The shape class names, in label order.</summary>
    public static readonly IReadOnlyList<string> ShapeNames =
        ["disc", "square", "triangle", "cross", "ring", "diamond", "hbar", "vbar", "x", "half-disc"];

    /// <summary>Whether shape <paramref name="label"/> covers point (u, v) of its square, both in [−1, 1].</summary>
    public static bool InsideShape(int label, double u, double v)
    {
        double r = Math.Sqrt(u * u + v * v);
        return label switch
        {
            0 => r <= 1,
            1 => Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8,
            2 => v >= -0.9 && v <= 0.9 && Math.Abs(u) <= (v + 0.9) / 1.8,
            3 => Math.Abs(u) <= 0.3 || Math.Abs(v) <= 0.3,
            4 => r <= 1 && r >= 0.55,
            5 => Math.Abs(u) + Math.Abs(v) <= 1,
            6 => Math.Abs(v) <= 0.35,
            7 => Math.Abs(u) <= 0.35,
            8 => Math.Abs(u - v) <= 0.4 || Math.Abs(u + v) <= 0.4,
            _ => r <= 1 && v >= 0,
        };
    }

    /// <summary>
    /// Shape <paramref name="label"/> drawn on a <paramref name="side"/>² square, row-major: the shade of
    /// each covered pixel (0.8–1.0, a light top-to-bottom gradient) and 0 outside the shape.
    /// </summary>
    public static double[] ShapeShading(int label, int side)
    {
        var shading = new double[side * side];
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            // Shape coordinates in [-1, 1] over the object's square.
            double u = (x + 0.5) / side * 2 - 1, v = (y + 0.5) / side * 2 - 1;
            if (InsideShape(label, u, v)) shading[y * side + x] = 0.8 + 0.2 * (1 - v) / 2;
        }
        return shading;
    }

    /// <summary>Low-frequency colour blobs plus stripes and noise, so the background is not trivially flat.</summary>
    public static void PaintBackground(byte[] pixels, int size, Random random)
    {
        var a = SaturatedColour(random);
        var b = SaturatedColour(random);
        double fx = 0.5 + random.NextDouble() * 2.5, fy = 0.5 + random.NextDouble() * 2.5, phase = random.NextDouble() * Math.PI * 2;
        double stripe = 2 + random.NextDouble() * 4, angle = random.NextDouble() * Math.PI;
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            double s = 0.5 + 0.5 * Math.Sin(fx * x * 2 * Math.PI / size + phase) * Math.Cos(fy * y * 2 * Math.PI / size);
            double stripes = Math.Sin((x * Math.Cos(angle) + y * Math.Sin(angle)) * 2 * Math.PI / stripe) > 0 ? 0.85 : 1.0;
            double noise = 0.9 + 0.2 * random.NextDouble();
            int o = (y * size + x) * 3;
            for (int c = 0; c < 3; c++)
                pixels[o + c] = (byte)Math.Clamp((a[c] * s + b[c] * (1 - s)) * 0.6 * stripes * noise, 0, 255);
        }
    }

    /// <summary>A bright, saturated RGB colour (0..255 per channel).</summary>
    public static double[] SaturatedColour(Random random)
    {
        double hue = random.NextDouble() * 6;
        int sector = (int)hue;
        double f = hue - sector;
        double[] rgb = sector switch
        {
            0 => [1, f, 0], 1 => [1 - f, 1, 0], 2 => [0, 1, f], 3 => [0, 1 - f, 1], 4 => [f, 0, 1], _ => [1, 0, 1 - f],
        };
        double value = 160 + random.NextDouble() * 95;
        return rgb.Select(c => (0.25 + 0.75 * c) * value).ToArray();
    }
}
