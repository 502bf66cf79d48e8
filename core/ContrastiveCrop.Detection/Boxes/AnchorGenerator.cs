using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Anchors for one feature map, with detectron2's DefaultAnchorGenerator conventions: cell anchors
/// centred on (0, 0) ordered size-major then aspect ratio; ratio = height / width and area = size²;
/// grid centres at (offset + i) × stride; output ordered by location (row-major) then cell anchor.
/// </summary>
public sealed class AnchorGenerator
{
    private readonly double[,] _cell;

    /// <summary>Creates the generator; C4 uses sizes 32..512, ratios 0.5/1/2, stride 16, offset 0.</summary>
    public AnchorGenerator(IReadOnlyList<double> sizes, IReadOnlyList<double> aspectRatios, int stride, double offset = 0.0)
    {
        if (sizes.Count == 0 || aspectRatios.Count == 0) throw new ArgumentException("Anchor sizes and aspect ratios must not be empty.");
        if (stride <= 0) throw new ArgumentException($"Anchor stride must be positive, got {stride}.");
        if (offset < 0 || offset >= 1) throw new ArgumentException($"Anchor offset must be in [0, 1), got {offset}.");
        Stride = stride;
        Offset = offset;
        _cell = new double[sizes.Count * aspectRatios.Count, 4];
        int k = 0;
        foreach (var size in sizes)
            foreach (var ratio in aspectRatios)
            {
                double area = size * size;
                double w = Math.Sqrt(area / ratio);
                double h = ratio * w;
                _cell[k, 0] = -w / 2; _cell[k, 1] = -h / 2; _cell[k, 2] = w / 2; _cell[k, 3] = h / 2;
                k++;
            }
    }

    /// <summary>The anchors of the R50-C4 RPN: sizes 32, 64, 128, 256, 512 × ratios 0.5, 1, 2 on stride 16.</summary>
    public static AnchorGenerator C4() => new([32, 64, 128, 256, 512], [0.5, 1.0, 2.0], 16);

    /// <summary>Feature stride in pixels.</summary>
    public int Stride { get; }
    /// <summary>Where, in units of stride, the first anchor centre lies.</summary>
    public double Offset { get; }
    /// <summary>Anchors per location (sizes × ratios).</summary>
    public int AnchorsPerLocation => _cell.GetLength(0);

    /// <summary>Cell anchors centred on the origin, (A, 4).</summary>
    public Tensor CellAnchors() => tensor(Flatten(_cell), [AnchorsPerLocation, 4], ScalarType.Float32);

    /// <summary>All anchors of a <paramref name="height"/> × <paramref name="width"/> feature map, (H·W·A, 4).</summary>
    public Tensor GridAnchors(int height, int width)
    {
        int a = AnchorsPerLocation;
        var data = new float[(long)height * width * a * 4];
        long p = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                // float32 shift + float32 cell anchor, summed in float32 as detectron2 does.
                float sx = (float)((Offset + x) * Stride), sy = (float)((Offset + y) * Stride);
                for (int k = 0; k < a; k++)
                {
                    data[p++] = sx + (float)_cell[k, 0];
                    data[p++] = sy + (float)_cell[k, 1];
                    data[p++] = sx + (float)_cell[k, 2];
                    data[p++] = sy + (float)_cell[k, 3];
                }
            }
        return tensor(data, [(long)height * width * a, 4]);
    }

    private static float[] Flatten(double[,] m)
    {
        var f = new float[m.Length];
        int i = 0;
        foreach (var v in m) f[i++] = (float)v;
        return f;
    }
}
