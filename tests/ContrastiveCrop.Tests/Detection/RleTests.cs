using ContrastiveCrop.Detection.Masks;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class RleTests
{
    [Test]
    public void Encoding_runs_down_columns_starting_with_zeros()
    {
        // [[0, 1], [1, 1]] column-major is 0, 1, 1, 1 → counts [1, 3].
        var rle = Rle.Encode(new byte[] { 0, 1, 1, 1 }, 2, 2);
        Assert.That(rle.Counts, Is.EqualTo(new uint[] { 1, 3 }));
        Assert.That(rle.Area(), Is.EqualTo(3));
        // A mask starting with foreground has an empty first run.
        Assert.That(Rle.Encode(new byte[] { 1, 0, 0, 0 }, 2, 2).Counts, Is.EqualTo(new uint[] { 0, 1, 3 }));
    }

    [Test]
    public void Decode_inverts_encode()
    {
        var random = new Random(3);
        var mask = new byte[7 * 5];
        for (int i = 0; i < mask.Length; i++) mask[i] = (byte)(random.Next(3) == 0 ? 1 : 0);
        Assert.That(Rle.Encode(mask, 7, 5).Decode(), Is.EqualTo(mask));
    }

    [Test]
    public void Compressed_text_uses_five_bits_per_character_and_differences_after_the_third_count()
    {
        // Counts 2, 3, 4, 5: the first three as is ('2', '3', '4'); the fourth as 5 − 3 = 2 → "2342".
        Assert.That(RleString.Encode(new Rle(2, 7, [2, 3, 4, 5])), Is.EqualTo("2342"));
        // Counts 0, 10, 5, 2: the fourth is 2 − 10 = −8 → low bits 11000 (sign bit set, no more) → 24 + 48 = 'H'.
        // 10 → ':' (48 + 10).
        Assert.That(RleString.Encode(new Rle(1, 17, [0, 10, 5, 2])), Is.EqualTo("0:5H"));
        // 40 = 0b01000|00001 → first char 8 | 0x20 (more) = 40 → 'X', then 1 → '1'.
        Assert.That(RleString.Encode(new Rle(1, 40, [40])), Is.EqualTo("X1"));
    }

    [Test]
    public void Compressed_text_round_trips()
    {
        var rle = new Rle(10, 10, [3, 17, 1, 40, 2, 2, 30, 5]);
        var text = RleString.Encode(rle);
        Assert.That(RleString.Decode(text, 10, 10).Counts, Is.EqualTo(rle.Counts));
    }

    [Test]
    public void Malformed_text_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => RleString.Decode("2342", 3, 3));
        Assert.Throws<FormatException>(() => RleString.Decode("X", 3, 3));
    }

    [Test]
    public void Iou_is_intersection_over_union_and_over_detection_area_for_crowds()
    {
        // 1 × 6 strips: detection covers pixels 0–3, ground truth 2–5. Intersection 2, union 6, detection 4.
        var detection = new Rle(1, 6, [0, 4, 2]);
        var truth = new Rle(1, 6, [2, 4]);
        Assert.That(Rle.Iou(detection, truth, crowd: false), Is.EqualTo(2.0 / 6));
        Assert.That(Rle.Iou(detection, truth, crowd: true), Is.EqualTo(2.0 / 4));
        Assert.That(Rle.Iou(new Rle(1, 6, [6]), truth, crowd: false), Is.EqualTo(0));
    }

    [Test]
    public void Polygon_of_an_integer_square_covers_the_pixels_inside()
    {
        // The square (1,1)–(3,3) covers pixels x, y ∈ {1, 2}: area 4, as the COCO API gives w·h for integer boxes.
        var mask = PolygonRasterizer.Rasterize(new double[] { 1, 1, 3, 1, 3, 3, 1, 3 }, 5, 5).Decode();
        var expected = new byte[25];
        foreach (var (y, x) in new[] { (1, 1), (1, 2), (2, 1), (2, 2) }) expected[y * 5 + x] = 1;
        Assert.That(mask, Is.EqualTo(expected));
    }

    [Test]
    public void Polygon_area_approaches_the_shoelace_area_and_clips_to_the_image()
    {
        // Right triangle with legs 40: shoelace area 800; pixel-centre rasterisation stays within a perimeter's worth.
        var triangle = PolygonRasterizer.Rasterize(new double[] { 0, 0, 40, 0, 0, 40 }, 50, 50);
        Assert.That(triangle.Area(), Is.EqualTo(800).Within(40));
        // A square sticking out of a 10 × 10 image keeps only the inside: (5,5)–(20,20) → 5 × 5.
        Assert.That(PolygonRasterizer.Rasterize(new double[] { 5, 5, 20, 5, 20, 20, 5, 20 }, 10, 10).Area(), Is.EqualTo(25));
    }

    [Test]
    public void Union_merges_the_polygons_of_one_object()
    {
        var parts = new IReadOnlyList<double>[] { [0, 0, 2, 0, 2, 2, 0, 2], [1, 1, 4, 1, 4, 2, 1, 2] };
        // 4 pixels + 3 pixels, sharing pixel (1, 1) → 6.
        Assert.That(PolygonRasterizer.Rasterize(parts, 5, 5).Area(), Is.EqualTo(6));
    }
}
