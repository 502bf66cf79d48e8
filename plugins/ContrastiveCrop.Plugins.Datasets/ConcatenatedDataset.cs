using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Two splits read as one (e.g. STL-10 train + unlabeled); owns and disposes both.</summary>
public sealed class ConcatenatedDataset(string name, IImageDataset first, IImageDataset second) : IImageDataset
{
    /// <inheritdoc />
    public string Name => name;
    /// <inheritdoc />
    public int Count => first.Count + second.Count;
    /// <inheritdoc />
    public IReadOnlyList<string> Classes => first.Classes;
    /// <inheritdoc />
    public LabeledImage Get(int index) => index < first.Count ? first.Get(index) : second.Get(index - first.Count);
    /// <inheritdoc />
    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
