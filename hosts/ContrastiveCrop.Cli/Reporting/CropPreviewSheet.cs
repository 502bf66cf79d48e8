using ContrastiveCrop.Engine.Previews;
using ContrastiveCrop.Imaging.Sheets;
using ContrastiveCrop.Sdk.Checkpoints;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// Draws crop previews of any sampler: a caption, then one row per image (<see cref="CropRow"/>, the drawing the
/// samplers plugin's crop-pair sheets share): its index, the image with each view's crop outlined in the view's
/// colour, then each view's crop enlarged.
/// </summary>
internal static class CropPreviewSheet
{
    /// <summary>Space between tiles and around the sheet.</summary>
    public const int Gap = SheetDrawing.Gap;
    /// <summary>Height of the caption at the top.</summary>
    public const int Header = 2 * SheetDrawing.LineHeight + Gap;
    /// <summary>Width of the column holding each row's image index.</summary>
    public const int LabelWidth = 48;
    /// <summary>The longest side of an image tile, roughly (small images are enlarged by a whole factor).</summary>
    public const int TileSide = 128;

    /// <summary>Screen pixels per image pixel (<see cref="CropRow.Scale"/> for <see cref="TileSide"/>).</summary>
    public static double Scale(int height, int width) => CropRow.Scale(height, width, TileSide);

    /// <summary>Top-left corner of row <paramref name="row"/>'s image tile on a sheet whose tallest image is <paramref name="rowHeight"/> pixels.</summary>
    public static (int X, int Y) ImageOrigin(int row, int rowHeight) => (Gap + LabelWidth, Header + row * (rowHeight + Gap));

    /// <summary>Height of one row: the tallest enlarged image.</summary>
    public static int RowHeight(IReadOnlyList<CropPreviewRow> rows) =>
        rows.Max(r => (int)Math.Round(r.Image.Height * Scale(r.Image.Height, r.Image.Width)));

    /// <summary>Writes the sheet as a PNG at <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, IReadOnlyList<CropPreviewRow> rows, string title, string subtitle)
    {
        int views = rows.Max(r => r.Crops.Count);
        int rowHeight = RowHeight(rows);
        int imageWidth = rows.Max(r => (int)Math.Round(r.Image.Width * Scale(r.Image.Height, r.Image.Width)));
        int captions = (int)Math.Ceiling(Math.Max(SheetDrawing.TextWidth(title), SheetDrawing.TextWidth(subtitle))) + 2 * Gap;
        int width = Math.Max(captions, Gap + LabelWidth + imageWidth + views * (rowHeight + Gap) + Gap);
        using var surface = SheetDrawing.Sheet(width, Header + rows.Count * (rowHeight + Gap));
        var canvas = surface.Canvas;
        SheetDrawing.Text(canvas, title, Gap, 16);
        SheetDrawing.Text(canvas, subtitle, Gap, 34);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var origin = ImageOrigin(r, rowHeight);
            using var image = SheetDrawing.ToImage(row.Image);
            SheetDrawing.Text(canvas, $"#{row.Index}", Gap, origin.Y + 14);
            CropRow.Draw(canvas, image, row.Image, row.Crops, origin, Scale(row.Image.Height, row.Image.Width), origin.X + imageWidth + Gap, rowHeight);
        }
        var png = SheetDrawing.EncodePng(surface);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
