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
    /// <param name="pixels">The size × size RGB image painted.</param>
    /// <param name="size">Side of the image.</param>
    /// <param name="random">The image's generator (the same draws are made at every strength).</param>
    /// <param name="strength">
    /// 1 paints the full clutter (the bytes of every set generated before this option existed); lower
    /// values blend it towards a flat grey of the same mean brightness, 0 leaving only the noise. A
    /// background strong enough to tell images apart is what a Siamese method matches first, so weak
    /// clutter is where a short run learns the objects.
    /// </param>
    public static void PaintBackground(byte[] pixels, int size, Random random, double strength = 1)
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
            {
                double colour = a[c] * s + b[c] * (1 - s);
                // Strength 1 keeps the original expression, operation for operation, so old sets stay byte-identical.
                double value = strength == 1
                    ? colour * 0.6 * stripes * noise
                    : (Grey + strength * (colour * stripes - Grey)) * 0.6 * noise;
                pixels[o + c] = (byte)Math.Clamp(value, 0, 255);
            }
        }
    }

    // The mean of a saturated colour's channel (SaturatedColour: value ≈ 207, mean chroma factor
    // 0.25 + 0.75 / 2) times the stripes' mean 0.925: the grey that weak clutter fades to.
    private const double Grey = 207.5 * 0.625 * 0.925;

    /// <summary>
    /// Paints shape <paramref name="label"/> (a <paramref name="side"/>-pixel square at top/left) opaquely
    /// in <paramref name="tint"/>, shaded, marks its pixels in <paramref name="mask"/> when given, and
    /// returns its tight box (MaxY = −1 when nothing was painted).
    /// </summary>
    /// <param name="pixels">The size × size RGB image painted into.</param>
    /// <param name="size">Side of the image.</param>
    /// <param name="top">Top row of the shape's square.</param>
    /// <param name="left">Left column of the shape's square.</param>
    /// <param name="side">Side of the shape's square.</param>
    /// <param name="label">Shape index into <see cref="ShapeNames"/>.</param>
    /// <param name="tint">RGB colour at full shade.</param>
    /// <param name="mask">A size × size mask set to 1 under the shape, or null.</param>
    /// <param name="round">
    /// Round intensities to the nearest byte (the detection set) or truncate them (shapes-on-clutter);
    /// both are kept so that the data sets already generated stay byte-identical.
    /// </param>
    public static (int MinY, int MinX, int MaxY, int MaxX) PasteShape(
        byte[] pixels, int size, int top, int left, int side, int label, double[] tint, byte[]? mask, bool round)
    {
        var shading = ShapeShading(label, side);
        int minY = size, minX = size, maxY = -1, maxX = -1;
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            double shade = shading[y * side + x];
            if (shade == 0) continue;
            int py = top + y, px = left + x, o = (py * size + px) * 3;
            for (int c = 0; c < 3; c++)
            {
                double value = tint[c] * shade;
                pixels[o + c] = (byte)Math.Clamp(round ? Math.Round(value) : value, 0, 255);
            }
            if (mask is not null) mask[py * size + px] = 1;
            minY = Math.Min(minY, py); maxY = Math.Max(maxY, py);
            minX = Math.Min(minX, px); maxX = Math.Max(maxX, px);
        }
        return (minY, minX, maxY, maxX);
    }

    /// <summary>
    /// <see cref="SaturatedColour(Random)"/> faded towards the grey of its own brightness: 1 keeps it, 0 gives
    /// a grey. The same draws are made at every saturation, so the rest of an image does not change with it.
    /// </summary>
    public static double[] Tint(Random random, double saturation)
    {
        var colour = SaturatedColour(random);
        if (saturation == 1) return colour;
        double grey = colour.Average();
        return colour.Select(c => grey + saturation * (c - grey)).ToArray();
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
