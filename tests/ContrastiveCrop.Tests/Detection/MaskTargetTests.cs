using ContrastiveCrop.Detection.Masks;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class MaskTargetTests
{
    [Test]
    public void A_polygon_filling_the_box_gives_an_all_ones_target()
    {
        using var scope = NewDisposeScope();
        var square = new IReadOnlyList<double>[] { new double[] { 10, 20, 38, 20, 38, 48, 10, 48 } };
        var target = MaskTargets.FromPolygons(square, 10, 20, 38, 48, 14);
        Assert.That(target.sum().item<float>(), Is.EqualTo(14 * 14));
    }

    [Test]
    public void The_left_half_of_the_object_gives_the_left_half_of_the_target()
    {
        using var scope = NewDisposeScope();
        // Object covers x ∈ [0, 14] of the box [0, 0, 28, 28] → columns 0..6 of 14.
        var polygon = new IReadOnlyList<double>[] { new double[] { 0, 0, 14, 0, 14, 28, 0, 28 } };
        var target = MaskTargets.FromPolygons(polygon, 0, 0, 28, 28, 14);
        var expected = zeros(14, 14);
        expected[.., 0..7] = 1;
        Assert.That(target.eq(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void Bitmask_targets_follow_the_box_through_roi_align()
    {
        using var scope = NewDisposeScope();
        // A 28 × 28 image whose left half (x < 14) is foreground, cropped by the whole image and by the right half.
        var mask = zeros(1, 28, 28);
        mask[.., .., 0..14] = 1;
        var masks = cat([mask, mask]);
        var boxes = tensor(new float[] { 0, 0, 28, 28, 14, 0, 28, 28 }, [2, 4]);
        var targets = MaskTargets.FromBitmasks(masks, boxes, 14);
        var left = zeros(14, 14);
        left[.., 0..7] = 1;
        Assert.That(targets[0].eq(left).all().item<bool>(), Is.True);
        Assert.That(targets[1].sum().item<float>(), Is.EqualTo(0));
    }

    [Test]
    public void Pasting_puts_the_mask_inside_its_box_with_pixel_centre_sampling()
    {
        using var scope = NewDisposeScope();
        // A full 2 × 2 mask pasted into box [2, 2, 6, 6] of an 8 × 8 image. Pixel centre 1.5 maps to mask
        // coordinate −0.75 (bilinear weight 0.25 < 0.5 with zero padding) → off; 2.5 → −0.25 → 0.75 → on.
        var masks = ones(1, 2, 2);
        var pasted = MaskPaster.Paste(masks, tensor(new float[] { 2, 2, 6, 6 }, [1, 4]), 8, 8);
        var expected = zeros(1, 8, 8, ScalarType.Bool);
        expected[0, 2..6, 2..6] = true;
        Assert.That(pasted.eq(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void Pasting_keeps_the_mask_shape()
    {
        using var scope = NewDisposeScope();
        // Left column on: pasted into [0, 0, 4, 4] it covers x < 2.
        var masks = tensor(new float[] { 1, 0, 1, 0 }, [1, 2, 2]);
        var pasted = MaskPaster.Paste(masks, tensor(new float[] { 0, 0, 4, 4 }, [1, 4]), 4, 6);
        var expected = zeros(1, 4, 6, ScalarType.Bool);
        expected[0, .., 0..2] = true;
        Assert.That(pasted.eq(expected).all().item<bool>(), Is.True);
    }
}
