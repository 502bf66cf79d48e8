using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class AnchorGeneratorTests
{
    [Test]
    public void C4_has_fifteen_cell_anchors_ordered_size_then_ratio()
    {
        using var scope = NewDisposeScope();
        var cell = AnchorGenerator.C4().CellAnchors();
        Assert.That(cell.shape, Is.EqualTo(new long[] { 15, 4 }));
        var c = cell.data<float>().ToArray();
        // Size 32, ratio 0.5 (h/w): w = sqrt(1024 / 0.5) = 45.2548, h = 0.5·w = 22.6274.
        Assert.That(c[0..4], Is.EqualTo(new[] { -22.6274f, -11.3137f, 22.6274f, 11.3137f }).Within(1e-3));
        // Size 32, ratio 1: a 32 × 32 square.
        Assert.That(c[4..8], Is.EqualTo(new[] { -16f, -16f, 16f, 16f }));
        // Index 3·4 + 1 = 13: size 512, ratio 1.
        Assert.That(c[52..56], Is.EqualTo(new[] { -256f, -256f, 256f, 256f }));
    }

    [Test]
    public void Every_anchor_has_area_size_squared_and_its_ratio()
    {
        using var scope = NewDisposeScope();
        var c = AnchorGenerator.C4().CellAnchors().data<float>().ToArray();
        double[] sizes = [32, 64, 128, 256, 512], ratios = [0.5, 1, 2];
        for (int k = 0; k < 15; k++)
        {
            double w = c[4 * k + 2] - c[4 * k], h = c[4 * k + 3] - c[4 * k + 1];
            Assert.That(w * h, Is.EqualTo(sizes[k / 3] * sizes[k / 3]).Within(1e-3 * w * h));
            Assert.That(h / w, Is.EqualTo(ratios[k % 3]).Within(1e-5));
        }
    }

    [Test]
    public void Grid_anchors_are_cell_anchors_shifted_row_major_with_offset_zero()
    {
        using var scope = NewDisposeScope();
        var generator = AnchorGenerator.C4();
        var anchors = generator.GridAnchors(height: 2, width: 3);
        Assert.That(anchors.shape, Is.EqualTo(new long[] { 2 * 3 * 15, 4 }));
        var cell = generator.CellAnchors();
        // Location (y = 1, x = 2) is the 6th (index 5): shift (32, 16) with stride 16 and offset 0.
        var expected = cell + tensor(new float[] { 32, 16, 32, 16 });
        Assert.That(anchors[(5 * 15)..(6 * 15)].allclose(expected), Is.True);
        // The first location is centred on the origin.
        Assert.That(anchors[0..15].allclose(cell), Is.True);
    }

    [Test]
    public void Offset_half_moves_centres_to_the_middle_of_each_stride()
    {
        using var scope = NewDisposeScope();
        var generator = new AnchorGenerator([16], [1.0], stride: 8, offset: 0.5);
        Assert.That(generator.GridAnchors(1, 2).data<float>().ToArray(), Is.EqualTo(new float[] { -4, -4, 12, 12, 4, -4, 20, 12 }));
    }
}
