using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// STL-10's binary files: <c>*_X.bin</c> holds 96×96 RGB images as 3 planes each stored column-major
/// (byte [c][x][y]); <c>*_y.bin</c> one label byte 1..10 per image.
/// </summary>
public static class Stl10Binary
{
    /// <summary>Side of the images.</summary>
    public const int Side = 96;

    /// <summary>Bytes per image.</summary>
    public const int ImageBytes = 3 * Side * Side;

    /// <summary>Converts image <paramref name="index"/> of an <c>_X.bin</c> byte span to row-major HWC.</summary>
    public static RgbImage ImageAt(ReadOnlySpan<byte> file, int index)
    {
        var source = file.Slice(index * ImageBytes, ImageBytes);
        var pixels = new byte[ImageBytes];
        for (int c = 0; c < 3; c++)
        for (int x = 0; x < Side; x++)
        for (int y = 0; y < Side; y++)
            pixels[(y * Side + x) * 3 + c] = source[c * Side * Side + x * Side + y];
        return new RgbImage(Side, Side, pixels);
    }

    /// <summary>Number of images in an <c>_X.bin</c> file of <paramref name="length"/> bytes; throws when it is not whole.</summary>
    public static int CountImages(string file, long length, string layout)
    {
        if (length == 0 || length % ImageBytes != 0)
            throw new DatasetException($"'{file}' holds {length} bytes, not a whole number of {ImageBytes}-byte 96×96 RGB images: it is truncated. Expected layout: {layout}");
        return checked((int)(length / ImageBytes));
    }

    /// <summary>Reads <c>_y.bin</c>: labels 1..10 become 0..9.</summary>
    public static int[] ReadLabels(string file, int expectedCount, string layout)
    {
        var bytes = DatasetFiles.ReadAll(file);
        if (bytes.Length != expectedCount)
            throw new DatasetException($"'{file}' holds {bytes.Length} labels but its images file holds {expectedCount} images. Expected layout: {layout}");
        return bytes.Select((b, i) => b is >= 1 and <= 10
            ? b - 1
            : throw new DatasetException($"'{file}' label {i} is {b}; STL-10 labels are 1..10.")).ToArray();
    }
}
