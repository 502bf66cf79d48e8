namespace ContrastiveCrop.Contracts;

/// <summary>
/// A named image data set (CIFAR-10, Fashion-MNIST, an ImageFolder, ...). Its options record says
/// where the files are; <see cref="IDatasetProvider.Open"/> reads one split.
/// </summary>
public interface IDatasetSource : IDatasetProvider
{
    /// <summary>The splits this source can open, e.g. <c>train</c>, <c>test</c>, <c>unlabeled</c>.</summary>
    IReadOnlyList<string> Splits { get; }

    /// <summary>
    /// Checks <paramref name="split"/> without decoding its images where the format allows (file sizes,
    /// headers, folder listings) and returns its size and classes; throws <see cref="DatasetException"/>
    /// naming the missing or corrupt file. The host calls it for every split a recipe reads before any
    /// work starts. The default opens the split, which is correct but may be slow.
    /// </summary>
    DatasetHeader Inspect(string split)
    {
        using var dataset = Open(split);
        return new DatasetHeader(dataset.Count, dataset.Classes);
    }
}

/// <summary>Opens the splits of one configured data set.</summary>
public interface IDatasetProvider
{
    /// <summary>
    /// Opens <paramref name="split"/>. Throws <see cref="DatasetException"/> naming the missing or
    /// corrupt file and the expected layout when the data is not usable.
    /// </summary>
    IImageDataset Open(string split);
}

/// <summary>Random access to decoded images of one split.</summary>
public interface IImageDataset : IDisposable
{
    /// <summary>A short description for logs, e.g. <c>fashion-mnist/train</c>.</summary>
    string Name { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Class names, in label order; empty for unlabeled data.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Returns image <paramref name="index"/>; thread-safe.</summary>
    LabeledImage Get(int index);

    /// <summary>True object boxes per image when the data set knows them (used to score localisation); else null.</summary>
    IReadOnlyList<NormalizedBox>? ObjectBoxes => null;
}

/// <summary>An image and its label (−1 when unlabeled).</summary>
/// <param name="Image">The pixels.</param>
/// <param name="Label">Class index, or −1.</param>
public readonly record struct LabeledImage(RgbImage Image, int Label);

/// <summary>An 8-bit RGB image stored row-major as height × width × 3 bytes.</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be height × width × 3.</summary>
    public RgbImage(int height, int width, byte[] pixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Image size must be positive, got {height}×{width}.");
        if (pixels.Length != height * width * 3)
            throw new ArgumentException($"Expected {height * width * 3} bytes for a {height}×{width} RGB image, got {pixels.Length}.");
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Columns.</summary>
    public int Width { get; }
    /// <summary>Row-major HWC RGB bytes.</summary>
    public byte[] Pixels { get; }
}

/// <summary>A data set's files are missing or unreadable; the message names the path and the expected layout.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetException(string message, Exception? inner = null) : base(message, inner) { }
}
