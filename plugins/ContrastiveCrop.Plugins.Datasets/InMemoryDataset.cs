using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>A split held entirely in memory as decoded 8-bit images.</summary>
public sealed class InMemoryDataset(
    string name, IReadOnlyList<LabeledImage> images, IReadOnlyList<string> classes, IReadOnlyList<NormalizedBox>? boxes = null) : IImageDataset
{
    /// <inheritdoc />
    public string Name => name;
    /// <inheritdoc />
    public int Count => images.Count;
    /// <inheritdoc />
    public IReadOnlyList<string> Classes => classes;
    /// <inheritdoc />
    public LabeledImage Get(int index) => images[index];
    /// <inheritdoc />
    public IReadOnlyList<NormalizedBox>? ObjectBoxes => boxes;
    /// <inheritdoc />
    public void Dispose() { }
}
