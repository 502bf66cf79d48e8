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

    /// <summary>
    /// Reads only the dimensions of an unsigned-byte IDX file (plain or gzip), checking a plain file's
    /// length against them; for the up-front check of a recipe, without reading the data.
    /// </summary>
    public static int[] ReadHeader(string path)
    {
        byte[] head = new byte[4 + 4 * 4];
        int read;
        long length;
        try
        {
            using var file = File.OpenRead(path);
            length = file.Length;
            var first = new byte[2];
            int got = file.Read(first, 0, 2);
            file.Position = 0;
            bool gzip = got == 2 && first[0] == 0x1F && first[1] == 0x8B;
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            read = 0;
            while (read < head.Length && stream.Read(head, read, head.Length - read) is var n and > 0) read += n;
            if (gzip) length = -1; // the data length is only known after decompressing everything
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"'{path}' is a corrupt or truncated gzip file: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read '{path}': {e.Message}", e);
        }
        if (read < 4 || head[0] != 0 || head[1] != 0 || head[2] != 0x08)
            throw new DatasetException($"'{path}' is not an unsigned-byte IDX file (its first bytes are not 00 00 08).");
        int rank = head[3];
        if (rank is < 1 or > 4 || read < 4 + 4 * rank)
            throw new DatasetException($"'{path}' has a corrupt IDX header ({rank} dimensions).");
        var dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            int o = 4 + 4 * d;
            dims[d] = head[o] << 24 | head[o + 1] << 16 | head[o + 2] << 8 | head[o + 3];
            if (dims[d] < 0) throw new DatasetException($"'{path}' has a corrupt IDX header (dimension {d} is {dims[d]}).");
            expected *= dims[d];
        }
        long data = length - (4 + 4 * rank);
        if (length >= 0 && data != expected)
            throw new DatasetException($"'{path}' declares {string.Join("×", dims)} = {expected} bytes of data but holds {data}: it is truncated or corrupt.");
        return dims;
    }

    /// <summary>Checks an images file and a labels file against each other from their headers; returns the image count.</summary>
    public static int CountImages(string imagesPath, string labelsPath)
    {
        var dims = ReadHeader(imagesPath);
        if (dims.Length != 3) throw new DatasetException($"'{imagesPath}' has {dims.Length} dimensions; an IDX images file has 3 (count, rows, columns).");
        var labelDims = ReadHeader(labelsPath);
        if (labelDims.Length != 1 || labelDims[0] != dims[0])
            throw new DatasetException($"'{labelsPath}' holds {string.Join("×", labelDims)} labels but '{imagesPath}' holds {dims[0]} images.");
        return dims[0];
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
