using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// Images listed by an <see cref="ImageFolderIndex"/>: either all decoded once into memory, or
/// decoded on every <see cref="Get"/> (streaming: memory does not grow with the data set).
/// </summary>
public sealed class FileImageDataset : IImageDataset
{
    private readonly ImageFolderIndex _index;
    private readonly RgbImage[]? _cache;

    /// <summary>Opens the split; decodes everything now when <paramref name="cacheInMemory"/>.</summary>
    public FileImageDataset(string name, ImageFolderIndex index, bool cacheInMemory, IReadOnlyList<NormalizedBox>? boxes)
    {
        Name = name;
        _index = index;
        ObjectBoxes = boxes;
        if (cacheInMemory)
        {
            var decoded = new RgbImage[index.Files.Count];
            Parallel.For(0, decoded.Length, i => decoded[i] = ImageCodec.Decode(index.Files[i]));
            _cache = decoded;
        }
    }

    /// <summary>Whether the images are held in memory.</summary>
    public bool Cached => _cache is not null;

    /// <inheritdoc />
    public string Name { get; }
    /// <inheritdoc />
    public int Count => _index.Files.Count;
    /// <inheritdoc />
    public IReadOnlyList<string> Classes => _index.Classes;
    /// <inheritdoc />
    public IReadOnlyList<NormalizedBox>? ObjectBoxes { get; }

    /// <inheritdoc />
    public LabeledImage Get(int i) => new(_cache?[i] ?? ImageCodec.Decode(_index.Files[i]), _index.Labels[i]);

    /// <summary>Whether a split of this index should be cached under <paramref name="mode"/> (auto: estimate from the first image).</summary>
    public static bool ShouldCache(ImageFolderIndex index, string mode, int limitMb)
    {
        if (mode != "auto") return mode == "memory";
        var first = ImageCodec.Decode(index.Files[0]);
        double estimatedMb = (double)first.Pixels.Length * index.Files.Count / (1024 * 1024);
        return estimatedMb <= limitMb;
    }

    /// <inheritdoc />
    public void Dispose() { }
}
