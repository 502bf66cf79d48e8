using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class NmsTests
{
    // Box 1 overlaps box 0 with IoU 81/(100+100−81) = 0.68; box 2 overlaps box 0 with IoU 50/150 = 0.333; box 3 is apart.
    private static readonly float[] Boxes = [0, 0, 10, 10, 1, 1, 11, 11, 5, 0, 15, 10, 50, 50, 60, 60];

    [Test]
    public void Lower_scored_boxes_above_the_threshold_are_suppressed()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(Boxes, [4, 4]);
        var scores = tensor(new float[] { 0.9f, 0.8f, 0.7f, 0.1f });
        Assert.That(Nms.Apply(boxes, scores, 0.5).data<long>().ToArray(), Is.EqualTo(new long[] { 0, 2, 3 }));
        Assert.That(Nms.Apply(boxes, scores, 0.3).data<long>().ToArray(), Is.EqualTo(new long[] { 0, 3 }));
        Assert.That(Nms.Apply(boxes, scores, 0.7).data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void Suppressed_boxes_do_not_suppress_others()
    {
        using var scope = NewDisposeScope();
        // A = [0,10], B = [4,14], C = [8,18] (height 10). IoU(A,B) = IoU(B,C) = 60/140 = 0.43, IoU(A,C) = 20/180 = 0.11.
        // At 0.4, A removes B; C survives because only kept boxes suppress.
        var boxes = tensor(new float[] { 0, 0, 10, 10, 4, 0, 14, 10, 8, 0, 18, 10 }, [3, 4]);
        var scores = tensor(new float[] { 0.9f, 0.8f, 0.7f });
        Assert.That(Nms.Apply(boxes, scores, 0.4).data<long>().ToArray(), Is.EqualTo(new long[] { 0, 2 }));
    }

    [Test]
    public void Boxes_of_different_classes_never_suppress_each_other()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(Boxes, [4, 4]);
        var scores = tensor(new float[] { 0.9f, 0.8f, 0.7f, 0.95f });
        var classes = tensor(new long[] { 0, 1, 0, 0 });
        // Class 0: keep 3 (0.95), 0 (0.9), 2 (0.7, IoU 0.33 with 0); class 1: keep 1 although it overlaps 0.
        Assert.That(Nms.Batched(boxes, scores, classes, 0.5).data<long>().ToArray(), Is.EqualTo(new long[] { 3, 0, 1, 2 }));
    }
}
