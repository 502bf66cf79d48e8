using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class MatcherTests
{
    [Test]
    public void Rpn_bands_are_negative_below_point_three_ignored_between_positive_from_point_seven()
    {
        using var scope = NewDisposeScope();
        // Two ground truths (rows) × five predictions (columns). Column maxima: 0.1, 0.3, 0.69, 0.7, 0.9.
        var iou = tensor(new float[] { 0.1f, 0.3f, 0.2f, 0.7f, 0.1f,
                                       0.0f, 0.1f, 0.69f, 0.0f, 0.9f }, [2, 5]);
        var (matches, labels) = new Matcher([0.3, 0.7], [0, -1, 1], allowLowQualityMatches: false).Match(iou);
        Assert.That(matches.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 1, 0, 1 }));
        // 0.3 is in [0.3, 0.7) → ignore; 0.7 is in [0.7, ∞) → foreground.
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new long[] { 0, -1, -1, 1, 1 }));
    }

    [Test]
    public void Low_quality_matches_promote_every_prediction_tied_for_a_ground_truths_best()
    {
        using var scope = NewDisposeScope();
        // Ground truth 0's best IoU is 0.4, reached by predictions 0 and 2; nothing reaches 0.7 for it.
        var iou = tensor(new float[] { 0.4f, 0.1f, 0.4f, 0.0f,
                                       0.0f, 0.2f, 0.0f, 0.8f }, [2, 4]);
        var (_, labels) = Matcher.Rpn().Match(iou);
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new long[] { 1, 0, 1, 1 }));
    }

    [Test]
    public void Without_ground_truth_everything_is_background()
    {
        using var scope = NewDisposeScope();
        var (matches, labels) = Matcher.RoiHeads().Match(zeros(0, 3));
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 0 }));
        Assert.That(matches.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 0 }));
    }

    [Test]
    public void Labels_must_outnumber_thresholds_by_one()
    {
        Assert.Throws<ArgumentException>(() => new Matcher([0.3, 0.7], [0, 1], true));
    }
}
