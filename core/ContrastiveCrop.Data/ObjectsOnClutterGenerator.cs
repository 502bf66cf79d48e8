using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Data;

/// <summary>
/// Writes the objects-on-clutter data set: one tinted object (a Fashion-MNIST item, or one of ten
/// shapes when no Fashion-MNIST files are given) at 20–60% of the side, at a random position on a
/// textured background, as an ImageFolder of PNGs (<c>train/&lt;class&gt;/</c>, <c>test/&lt;class&gt;/</c>)
/// with the true object boxes in <c>boxes.tsv</c>. The same settings give the same bytes.
/// </summary>
public static class ObjectsOnClutterGenerator
{
    /// <summary>What to generate.</summary>
    /// <param name="TrainCount">Images in train/.</param>
    /// <param name="TestCount">Images in test/.</param>
    /// <param name="ImageSize">Side of the square images.</param>
    /// <param name="Seed">Generator seed.</param>
    /// <param name="FashionMnistRoot">Folder of the Fashion-MNIST IDX files, or null for shapes.</param>
    /// <param name="MinScale">Smallest object side as a fraction of the image side.</param>
    /// <param name="MaxScale">Largest object side as a fraction of the image side.</param>
    public sealed record Settings(int TrainCount, int TestCount, int ImageSize, int Seed, string? FashionMnistRoot, double MinScale = 0.2, double MaxScale = 0.6);

    /// <summary>Generates into <paramref name="output"/> (created; existing files of the same names are replaced). Returns the class names.</summary>
    public static IReadOnlyList<string> Generate(string output, Settings settings, Action<string>? log = null)
    {
        if (settings.ImageSize < 16) throw new ArgumentException($"--size must be at least 16 pixels, got {settings.ImageSize}.");
        if (settings.TrainCount < 1 || settings.TestCount < 0) throw new ArgumentException("--count must be positive.");
        if (!(settings.MinScale > 0 && settings.MinScale <= settings.MaxScale && settings.MaxScale <= 1))
            throw new ArgumentException("Object scale must satisfy 0 < min <= max <= 1.");
        IReadOnlyList<string> classes;
        Func<string, FashionMnistItems?> items;
        if (settings.FashionMnistRoot is { } root)
        {
            classes = FashionMnistItems.ClassNames(FashionMnistFiles.ClassNames.Count);
            items = split => FashionMnistItems.Load(root, split);
            log?.Invoke($"Objects: Fashion-MNIST items from '{root}'.");
        }
        else
        {
            classes = Clutter.ShapeNames;
            items = _ => null;
            log?.Invoke("Objects: generated shapes (no Fashion-MNIST folder given).");
        }

        var boxes = new List<(string, NormalizedBox)>();
        foreach (var (split, count, splitId) in new[] { ("train", settings.TrainCount, 0), ("test", settings.TestCount, 1) })
        {
            if (count == 0) continue;
            var source = items(split);
            foreach (var name in classes) Directory.CreateDirectory(Path.Combine(output, split, name));
            var paths = new string[count];
            var splitBoxes = new NormalizedBox[count];
            Parallel.For(0, count, i =>
            {
                var random = new Random(DeterministicSeed.Combine(settings.Seed, splitId, i));
                var (image, label, box) = Render(settings, source, random);
                paths[i] = $"{split}/{classes[label]}/{i:D6}.png";
                splitBoxes[i] = box;
                File.WriteAllBytes(Path.Combine(output, paths[i]), ImageCodec.EncodePng(image));
            });
            boxes.AddRange(paths.Zip(splitBoxes));
            log?.Invoke($"Wrote {count} {split} images.");
        }
        ObjectBoxesFile.Write(Path.Combine(output, ObjectBoxesFile.DefaultName), boxes);
        return classes;
    }

    /// <summary>Renders one image: background, then one tinted object; returns it with its label and tight true box.</summary>
    private static (RgbImage, int, NormalizedBox) Render(Settings settings, FashionMnistItems? items, Random random)
    {
        int size = settings.ImageSize;
        var pixels = new byte[size * size * 3];
        Clutter.PaintBackground(pixels, size, random);
        int side = Math.Max(4, (int)Math.Round(size * (settings.MinScale + (settings.MaxScale - settings.MinScale) * random.NextDouble())));
        int top = random.Next(0, size - side + 1), left = random.Next(0, size - side + 1);
        var tint = Clutter.SaturatedColour(random);
        var (intensity, label) = ObjectMask(items, side, random);
        var (minY, minX, maxY, maxX) = FashionMnistItems.Paste(pixels, size, top, left, side, intensity, tint);
        var box = maxY < 0
            ? new NormalizedBox((float)top / size, (float)left / size, (float)(top + side) / size, (float)(left + side) / size)
            : new NormalizedBox((float)minY / size, (float)minX / size, (float)(maxY + 1) / size, (float)(maxX + 1) / size);
        return (new RgbImage(size, size, pixels), label, box);
    }

    /// <summary>The object's intensity in [0, 1] over a side × side square, and its class.</summary>
    private static (float[] Intensity, int Label) ObjectMask(FashionMnistItems? items, int side, Random random)
    {
        if (items is not null) return items.Any(side, random);
        int shape = random.Next(Clutter.ShapeNames.Count);
        return (Clutter.ShapeShading(shape, side).Select(shade => (float)shade).ToArray(), shape);
    }
}
