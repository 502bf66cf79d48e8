using System.IO.Compression;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed: magic 0x00 0x00, type 0x08
/// (unsigned byte), the number of dimensions, each dimension as a big-endian int32, then the data.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an unsigned-byte IDX file; returns its dimensions and data.</summary>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        var raw = DatasetFiles.ReadAll(path);
        if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                raw = plain.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new DatasetException($"'{path}' is a corrupt or truncated gzip file: {e.Message}", e);
            }
        }
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08)
            throw new DatasetException($"'{path}' is not an unsigned-byte IDX file (its first bytes are not 00 00 08).");
        int rank = raw[3];
        if (rank is < 1 or > 4 || raw.Length < 4 + 4 * rank)
            throw new DatasetException($"'{path}' has a corrupt IDX header ({rank} dimensions).");
        var dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            int o = 4 + 4 * d;
            dims[d] = raw[o] << 24 | raw[o + 1] << 16 | raw[o + 2] << 8 | raw[o + 3];
            expected *= dims[d];
        }
        int header = 4 + 4 * rank;
        if (raw.Length - header != expected)
            throw new DatasetException($"'{path}' declares {string.Join("×", dims)} = {expected} bytes of data but holds {raw.Length - header}: it is truncated or corrupt.");
        return (dims, raw[header..]);
    }

    /// <summary>Reads an images file (N × H × W grey) and a labels file (N) into RGB images (grey replicated).</summary>
    public static List<LabeledImage> ReadImages(string imagesPath, string labelsPath)
    {
        var (dims, pixels) = Read(imagesPath);
        if (dims.Length != 3) throw new DatasetException($"'{imagesPath}' has {dims.Length} dimensions; an IDX images file has 3 (count, rows, columns).");
        var (labelDims, labels) = Read(labelsPath);
        if (labelDims.Length != 1 || labelDims[0] != dims[0])
            throw new DatasetException($"'{labelsPath}' holds {string.Join("×", labelDims)} labels but '{imagesPath}' holds {dims[0]} images.");
        int h = dims[1], w = dims[2], n = dims[0];
        var images = new List<LabeledImage>(n);
        for (int i = 0; i < n; i++)
        {
            var rgb = new byte[h * w * 3];
            for (int p = 0; p < h * w; p++)
            {
                byte v = pixels[i * h * w + p];
                rgb[3 * p] = v;
                rgb[3 * p + 1] = v;
                rgb[3 * p + 2] = v;
            }
            images.Add(new LabeledImage(new RgbImage(h, w, rgb), labels[i]));
        }
        return images;
    }
}
