using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// The "binary version" of CIFAR-10/100: fixed-size records of label byte(s) followed by 3072 pixel
/// bytes, the red plane (32×32, row-major), then green, then blue.
/// </summary>
public static class CifarBinary
{
    /// <summary>Side of the images.</summary>
    public const int Side = 32;
    private const int PixelBytes = 3 * Side * Side;

    /// <summary>Counts the records of <paramref name="files"/> from their sizes, as <see cref="Read"/> would find them.</summary>
    public static int CountRecords(IEnumerable<string> files, int labelBytes, string layout)
    {
        int record = labelBytes + PixelBytes;
        long count = 0;
        foreach (var file in files)
        {
            long length = new FileInfo(file).Length;
            if (length == 0 || length % record != 0)
                throw new DatasetException(
                    $"'{file}' holds {length} bytes, not a whole number of {record}-byte records: it is truncated or not the CIFAR binary version. Expected layout: {layout}");
            count += length / record;
        }
        return checked((int)count);
    }

    /// <summary>
    /// Reads every record of <paramref name="files"/>. A record starts with
    /// <paramref name="labelBytes"/> label bytes (1 for CIFAR-10; 2 for CIFAR-100: coarse, fine);
    /// the label used is byte <paramref name="labelIndex"/>.
    /// </summary>
    public static List<LabeledImage> Read(IEnumerable<string> files, int labelBytes, int labelIndex, int classCount, string layout)
    {
        int record = labelBytes + PixelBytes;
        var images = new List<LabeledImage>();
        foreach (var file in files)
        {
            var bytes = DatasetFiles.ReadAll(file);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new DatasetException(
                    $"'{file}' holds {bytes.Length} bytes, not a whole number of {record}-byte records: it is truncated or not the CIFAR binary version. Expected layout: {layout}");
            for (int offset = 0; offset < bytes.Length; offset += record)
            {
                int label = bytes[offset + labelIndex];
                if (label >= classCount)
                    throw new DatasetException($"'{file}' record {offset / record} has label {label}, but there are {classCount} classes: the file is corrupt or of the other CIFAR version.");
                var pixels = new byte[PixelBytes];
                int planes = offset + labelBytes;
                for (int p = 0; p < Side * Side; p++)
                {
                    pixels[3 * p] = bytes[planes + p];
                    pixels[3 * p + 1] = bytes[planes + Side * Side + p];
                    pixels[3 * p + 2] = bytes[planes + 2 * Side * Side + p];
                }
                images.Add(new LabeledImage(new RgbImage(Side, Side, pixels), label));
            }
        }
        return images;
    }
}
