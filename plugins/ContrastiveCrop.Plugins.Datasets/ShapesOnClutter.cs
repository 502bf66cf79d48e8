using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// A generated data set needing no files: one tinted shape (ten classes) at a random size and
/// position on a textured, coloured background, with its true box. Small objects on clutter are
/// where ContrastiveCrop's localisation matters, and the true boxes let runs score it.
/// </summary>
[Plugin("shapes-on-clutter", Description = "Generated: ten tinted shapes on textured clutter, with true boxes (no files needed).")]
public sealed class ShapesOnClutter(ShapesOnClutterOptions options) : IDatasetSource
{
    /// <summary>The class names, in label order.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["disc", "square", "triangle", "cross", "ring", "diamond", "hbar", "vbar", "x", "half-disc"];

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var (count, seed) = split switch
        {
            "train" => (options.TrainCount, options.Seed * 2),
            "test" => (options.TestCount, options.Seed * 2 + 1),
            _ => throw new DatasetException($"shapes-on-clutter has no split '{split}'; it has: train, test."),
        };
        var images = new LabeledImage[count];
        var boxes = new NormalizedBox[count];
        Parallel.For(0, count, i => (images[i], boxes[i]) = Render(seed, i));
        return new InMemoryDataset($"shapes-on-clutter/{split}", images, ClassNames, boxes);
    }

    private (LabeledImage, NormalizedBox) Render(int seed, int index)
    {
        var random = new Random(DeterministicSeed.Combine(seed, index));
        int size = options.ImageSize;
        var pixels = new byte[size * size * 3];
        PaintClutter(pixels, size, random);

        int label = random.Next(ClassNames.Count);
        int side = Math.Max(4, (int)Math.Round(size * (options.ObjectScale[0] + (options.ObjectScale[1] - options.ObjectScale[0]) * random.NextDouble())));
        int top = random.Next(0, size - side + 1), left = random.Next(0, size - side + 1);
        var tint = SaturatedColour(random);
        int minY = size, minX = size, maxY = -1, maxX = -1;
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            // Shape coordinates in [-1, 1] over the object's square.
            double u = (x + 0.5) / side * 2 - 1, v = (y + 0.5) / side * 2 - 1;
            if (!Inside(label, u, v)) continue;
            int py = top + y, px = left + x, o = (py * size + px) * 3;
            double shade = 0.8 + 0.2 * (1 - v) / 2; // a light top-to-bottom gradient
            for (int c = 0; c < 3; c++) pixels[o + c] = (byte)Math.Clamp(tint[c] * shade, 0, 255);
            minY = Math.Min(minY, py); maxY = Math.Max(maxY, py);
            minX = Math.Min(minX, px); maxX = Math.Max(maxX, px);
        }
        var box = new NormalizedBox((float)minY / size, (float)minX / size, (float)(maxY + 1) / size, (float)(maxX + 1) / size);
        return (new LabeledImage(new RgbImage(size, size, pixels), label), box);
    }

    private static bool Inside(int label, double u, double v)
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

    /// <summary>Low-frequency colour blobs plus stripes, so the background is not trivially flat.</summary>
    private static void PaintClutter(byte[] pixels, int size, Random random)
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

    private static double[] SaturatedColour(Random random)
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
