namespace ContrastiveCrop.Detection.Masks;

/// <summary>
/// A binary mask of <see cref="Height"/> × <see cref="Width"/> as run lengths in column-major
/// (Fortran) order, starting with a run of zeros, as in the COCO API.
/// </summary>
public sealed class Rle
{
    /// <summary>Creates an RLE; the counts must add up to height × width.</summary>
    public Rle(int height, int width, uint[] counts)
    {
        if (height < 0 || width < 0) throw new ArgumentException("RLE size must not be negative.");
        long total = 0;
        foreach (var c in counts) total += c;
        if (total != (long)height * width)
            throw new ArgumentException($"RLE counts add up to {total} but the mask has {height}×{width} = {(long)height * width} pixels.");
        (Height, Width, Counts) = (height, width, counts);
    }

    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Columns.</summary>
    public int Width { get; }
    /// <summary>Alternating run lengths of 0s and 1s, column-major, first run of 0s (possibly empty).</summary>
    public uint[] Counts { get; }

    /// <summary>Encodes a row-major mask (index y·width + x); nonzero is foreground.</summary>
    public static Rle Encode(ReadOnlySpan<byte> rowMajor, int height, int width)
    {
        if (rowMajor.Length != height * width) throw new ArgumentException($"Mask has {rowMajor.Length} pixels, expected {height}×{width}.");
        var counts = new List<uint>();
        byte previous = 0;
        uint run = 0;
        for (int x = 0; x < width; x++)
            for (int y = 0; y < height; y++)
            {
                byte v = rowMajor[y * width + x] != 0 ? (byte)1 : (byte)0;
                if (v != previous) { counts.Add(run); run = 0; previous = v; }
                run++;
            }
        counts.Add(run);
        return new Rle(height, width, [.. counts]);
    }

    /// <summary>The mask, row-major (index y·width + x), 1 for foreground.</summary>
    public byte[] Decode()
    {
        var mask = new byte[Height * Width];
        long p = 0;
        byte v = 0;
        foreach (var c in Counts)
        {
            if (v == 1)
                for (long k = p; k < p + c; k++) mask[(k % Height) * Width + k / Height] = 1;
            p += c;
            v ^= 1;
        }
        return mask;
    }

    /// <summary>Foreground pixel count (sum of the odd runs).</summary>
    public long Area()
    {
        long a = 0;
        for (int j = 1; j < Counts.Length; j += 2) a += Counts[j];
        return a;
    }

    /// <summary>Union of masks of one size (how the COCO API merges the polygons of one object).</summary>
    public static Rle Union(IReadOnlyList<Rle> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("Union needs at least one mask.");
        if (parts.Count == 1) return parts[0];
        int h = parts[0].Height, w = parts[0].Width;
        var mask = new byte[h * w];
        foreach (var part in parts)
        {
            if (part.Height != h || part.Width != w) throw new ArgumentException("Masks of different sizes cannot be merged.");
            var m = part.Decode();
            for (int i = 0; i < m.Length; i++) mask[i] |= m[i];
        }
        return Encode(mask, h, w);
    }

    /// <summary>
    /// IoU of a detection with a ground truth, walking both run lists; against a crowd ground truth
    /// it is intersection / area(detection), as the COCO API.
    /// </summary>
    public static double Iou(Rle detection, Rle groundTruth, bool crowd)
    {
        if (detection.Height != groundTruth.Height || detection.Width != groundTruth.Width)
            throw new ArgumentException($"Cannot compare a {detection.Height}×{detection.Width} mask with a {groundTruth.Height}×{groundTruth.Width} one.");
        long inter = 0, union = 0;
        var (a, b) = (detection.Counts, groundTruth.Counts);
        int ia = 0, ib = 0;
        long ra = a.Length > 0 ? a[0] : 0, rb = b.Length > 0 ? b[0] : 0;
        bool va = false, vb = false;
        long total = (long)detection.Height * detection.Width, done = 0;
        while (done < total)
        {
            // Skip exhausted (zero-length) runs, flipping the value each time.
            while (ra == 0 && ia + 1 < a.Length) { ra = a[++ia]; va = !va; }
            while (rb == 0 && ib + 1 < b.Length) { rb = b[++ib]; vb = !vb; }
            long c = Math.Min(ra, rb);
            if (c == 0) break;
            if (va || vb) union += c;
            if (va && vb) inter += c;
            ra -= c; rb -= c; done += c;
        }
        if (inter == 0) return 0;
        return (double)inter / (crowd ? detection.Area() : union);
    }
}
