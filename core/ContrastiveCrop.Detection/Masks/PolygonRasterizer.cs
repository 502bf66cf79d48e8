namespace ContrastiveCrop.Detection.Masks;

/// <summary>
/// Polygon to RLE exactly as the COCO API (rleFrPoly): the outline is traced on a 5× upsampled
/// integer grid, crossings with pixel-centre columns become y-boundaries, and those boundaries
/// become runs. Pixel (x, y) is inside when its centre is, give or take the 1/5-pixel rounding.
/// </summary>
public static class PolygonRasterizer
{
    private const double Scale = 5;

    /// <summary>One polygon given as x₀, y₀, x₁, y₁, … in pixel coordinates.</summary>
    public static Rle Rasterize(IReadOnlyList<double> xy, int height, int width)
    {
        if (xy.Count % 2 != 0) throw new ArgumentException("A polygon needs an even number of coordinates.");
        int k = xy.Count / 2;
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (int j = 0; j < k; j++) x[j] = (int)(Scale * xy[2 * j] + .5);
        for (int j = 0; j < k; j++) y[j] = (int)(Scale * xy[2 * j + 1] + .5);
        if (k > 0) { x[k] = x[0]; y[k] = y[0]; }
        var u = new List<int>();
        var v = new List<int>();
        for (int j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) { (xs, xe) = (xe, xs); (ys, ye) = (ye, ys); }
            double s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
                for (int d = 0; d <= dx; d++)
                {
                    int t = flip ? dx - d : d;
                    u.Add(t + xs);
                    v.Add((int)(ys + s * t + .5));
                }
            else
                for (int d = 0; d <= dy; d++)
                {
                    int t = flip ? dy - d : d;
                    v.Add(t + ys);
                    u.Add((int)(xs + s * t + .5));
                }
        }
        // Where the traced outline crosses a pixel-centre column, record the boundary row.
        var boundaries = new List<uint>();
        for (int j = 1; j < u.Count; j++)
        {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / Scale - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / Scale - .5;
            if (yd < 0) yd = 0; else if (yd > height) yd = height;
            yd = Math.Ceiling(yd);
            boundaries.Add((uint)((int)xd * height + (int)yd));
        }
        boundaries.Add((uint)(height * width));
        boundaries.Sort();
        uint previous = 0;
        for (int j = 0; j < boundaries.Count; j++) { uint t = boundaries[j]; boundaries[j] -= previous; previous = t; }
        // Zero-length runs between boundaries cancel: merge the run after them into the one before.
        var counts = new List<uint> { boundaries[0] };
        for (int j = 1; j < boundaries.Count;)
        {
            if (boundaries[j] > 0) counts.Add(boundaries[j++]);
            else
            {
                j++;
                if (j < boundaries.Count) counts[^1] += boundaries[j++];
            }
        }
        return new Rle(height, width, [.. counts]);
    }

    /// <summary>The union of several polygons of one object.</summary>
    public static Rle Rasterize(IReadOnlyList<IReadOnlyList<double>> polygons, int height, int width) =>
        Rle.Union([.. polygons.Select(p => Rasterize(p, height, width))]);
}
