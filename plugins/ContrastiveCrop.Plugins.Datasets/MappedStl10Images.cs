using System.IO.MemoryMappedFiles;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>An STL-10 <c>_X.bin</c> file read through a memory map: images are converted on access, so memory stays bounded.</summary>
public sealed unsafe class MappedStl10Images : IImageDataset
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;

    /// <summary>Maps <paramref name="path"/>; its images are unlabeled (label −1).</summary>
    public MappedStl10Images(string name, string path, IReadOnlyList<string> classes, string layout)
    {
        Name = name;
        Classes = classes;
        long length = new FileInfo(path).Length;
        Count = Stl10Binary.CountImages(path, length, layout);
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _start = pointer + _view.PointerOffset;
    }

    /// <inheritdoc />
    public string Name { get; }
    /// <inheritdoc />
    public int Count { get; }
    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public LabeledImage Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var one = new ReadOnlySpan<byte>(_start + (long)index * Stl10Binary.ImageBytes, Stl10Binary.ImageBytes);
        return new LabeledImage(Stl10Binary.ImageAt(one, 0), -1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
