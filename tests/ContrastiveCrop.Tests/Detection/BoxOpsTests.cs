using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class BoxOpsTests
{
    [Test]
    public void Iou_of_overlapping_squares_is_intersection_over_union()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 0, 0, 2, 2 }, [1, 4]);
        var b = tensor(new float[] { 1, 1, 3, 3, 5, 5, 6, 6, 0, 0, 2, 2 }, [3, 4]);
        var iou = BoxOps.PairwiseIou(a, b).data<float>().ToArray();
        // Overlap 1×1 = 1; union 4 + 4 − 1 = 7. Disjoint → 0. Identical → 1.
        Assert.That(iou, Is.EqualTo(new[] { 1f / 7, 0f, 1f }).Within(1e-6));
    }

    [Test]
    public void Empty_boxes_have_zero_iou_instead_of_nan()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 1, 1, 1 }, [1, 4]);
        Assert.That(BoxOps.PairwiseIou(a, a).item<float>(), Is.EqualTo(0f));
    }

    [Test]
    public void Clip_limits_x_to_width_and_y_to_height()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(new float[] { -5, -1, 30, 12 }, [1, 4]);
        Assert.That(BoxOps.Clip(boxes, height: 10, width: 20).data<float>().ToArray(), Is.EqualTo(new float[] { 0, 0, 20, 10 }));
    }

    [Test]
    public void Area_and_non_empty_use_continuous_widths()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(new float[] { 0, 0, 2, 3, 4, 4, 4, 9 }, [2, 4]);
        Assert.That(BoxOps.Area(boxes).data<float>().ToArray(), Is.EqualTo(new float[] { 6, 0 }));
        Assert.That(BoxOps.NonEmpty(boxes).data<bool>().ToArray(), Is.EqualTo(new[] { true, false }));
    }
}
