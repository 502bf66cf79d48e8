using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Data;

/// <summary>
/// Fashion-MNIST items as objects to paste on generated clutter (objects-on-clutter and detection
/// sets): the grey items of one split, their intensity resized to an object's side, and the tinted paste.
/// </summary>
public sealed class FashionMnistItems
{
    private readonly IReadOnlyList<LabeledImage> _items;
    private readonly IReadOnlyList<LabeledImage>[] _byClass;

    private FashionMnistItems(IReadOnlyList<LabeledImage> items, int classes)
    {
        _items = items;
        _byClass = Enumerable.Range(0, classes).Select(c => (IReadOnlyList<LabeledImage>)items.Where(i => i.Label == c).ToList()).ToArray();
    }

    /// <summary>
    /// Reads split <paramref name="split"/> (<c>train</c> or <c>test</c>) from <paramref name="root"/>: all items,
    /// or with <paramref name="classes"/> only labels below it, each of which must then have an item.
    /// </summary>
    /// <exception cref="DatasetException">A file is missing or corrupt, or the split has no item of a kept class.</exception>
    public static FashionMnistItems Load(string root, string split, int? classes = null)
    {
        var (images, labels) = FashionMnistFiles.Locate(root, split);
        int kept = classes ?? FashionMnistFiles.ClassNames.Count;
        var items = new FashionMnistItems(IdxFile.ReadImages(images, labels).Where(i => i.Label < kept).ToList(), kept);
        for (int c = 0; classes is not null && c < kept; c++)
            if (items._byClass[c].Count == 0)
                throw new DatasetException($"'{images}' has no item of class {c} ({FashionMnistFiles.ClassNames[c]}): use fewer classes or the full Fashion-MNIST files.");
        return items;
    }

    /// <summary>The kept class names as folder/annotation names, in label order.</summary>
    public static IReadOnlyList<string> ClassNames(int classes) => FashionMnistFiles.ClassNames.Take(classes).Select(FolderName).ToList();

    /// <summary>A class name usable as a folder name: lower case, '/' and spaces as '-'.</summary>
    public static string FolderName(string className) => className.ToLowerInvariant().Replace('/', '-').Replace(' ', '-');

    /// <summary>A random item of any kept class: its intensity over a side × side square (randomly flipped), and its class.</summary>
    public (float[] Intensity, int Label) Any(int side, Random random) => Draw(_items, side, random);

    /// <summary>A random item of class <paramref name="label"/>: its intensity over a side × side square (randomly flipped).</summary>
    public float[] OfClass(int label, int side, Random random) => Draw(_byClass[label], side, random).Intensity;

    private static (float[] Intensity, int Label) Draw(IReadOnlyList<LabeledImage> items, int side, Random random)
    {
        var mask = new float[side * side];
        var item = items[random.Next(items.Count)];
        bool flip = random.NextDouble() < 0.5;
        var resized = new float[3 * side * side];
        ResizedCrop.Write(item.Image, CropBox.Whole(item.Image.Height, item.Image.Width), side, flip, resized);
        Array.Copy(resized, mask, mask.Length); // grey: the red plane is the intensity
        return (mask, item.Label);
    }

    /// <summary>
    /// Blends <paramref name="tint"/> into <paramref name="pixels"/> (size × size RGB) over the square at
    /// (<paramref name="top"/>, <paramref name="left"/>) where the intensity exceeds 0.1, shaded by it;
    /// sets <paramref name="mask"/> (size × size, optional) there. Returns the tight box
    /// (minY, minX, maxY, maxX inclusive; maxY = −1 when nothing was drawn).
    /// </summary>
    public static (int MinY, int MinX, int MaxY, int MaxX) Paste(byte[] pixels, int size, int top, int left, int side,
                                                                   float[] intensity, double[] tint, byte[]? mask = null)
    {
        int minY = size, minX = size, maxY = -1, maxX = -1;
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            float v = intensity[y * side + x];
            if (v <= 0.1f) continue; // background of the item (Fashion-MNIST items sit on black)
            float alpha = Math.Min(1f, 3 * v), shade = 0.35f + 0.65f * v;
            int py = top + y, px = left + x, o = (py * size + px) * 3;
            for (int c = 0; c < 3; c++)
                pixels[o + c] = (byte)Math.Clamp(Math.Round(pixels[o + c] * (1 - alpha) + tint[c] * shade * alpha), 0, 255);
            if (mask is not null) mask[py * size + px] = 1;
            minY = Math.Min(minY, py); maxY = Math.Max(maxY, py);
            minX = Math.Min(minX, px); maxX = Math.Max(maxX, px);
        }
        return (minY, minX, maxY, maxX);
    }
}
