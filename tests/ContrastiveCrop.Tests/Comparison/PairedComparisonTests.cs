using ContrastiveCrop.Cli.Comparison;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Comparison;

/// <summary>Mean ± sd and the paired per-seed difference with its t interval, against hand computation.</summary>
[TestFixture]
public sealed class PairedComparisonTests
{
    [Test]
    public void The_paired_difference_and_its_interval_match_a_hand_computation()
    {
        var baseline = new Dictionary<long, double> { [0] = 10, [1] = 12, [2] = 11 };
        var setting = new Dictionary<long, double> { [0] = 13, [1] = 14, [2] = 15 };

        var difference = PairedDifference.Of(setting, baseline);

        // Differences 3, 2, 4: mean 3, sd 1; half-width t(0.975, 2) · 1/√3 = 4.302653 / 1.732051 = 2.484138.
        Assert.That(difference.Differences, Is.EqualTo(new[] { 3.0, 2.0, 4.0 }));
        Assert.That(difference.Spread.Mean, Is.EqualTo(3).Within(1e-12));
        Assert.That(difference.Spread.Sd, Is.EqualTo(1).Within(1e-12));
        Assert.That(difference.Low, Is.EqualTo(3 - 2.484138).Within(1e-5));
        Assert.That(difference.High, Is.EqualTo(3 + 2.484138).Within(1e-5));
    }

    [Test]
    public void Only_seeds_both_settings_have_are_paired()
    {
        var baseline = new Dictionary<long, double> { [0] = 1, [1] = 2, [5] = 100 };
        var setting = new Dictionary<long, double> { [0] = 2, [1] = 4, [7] = -100 };
        var difference = PairedDifference.Of(setting, baseline);
        Assert.That(difference.Differences, Is.EqualTo(new[] { 1.0, 2.0 }));
        // n = 2: t(0.975, 1) = 12.7062; sd of (1, 2) = 1/√2; half-width 12.7062 · (1/√2)/√2 = 6.3531.
        Assert.That(difference.High - difference.Spread.Mean, Is.EqualTo(12.7062047 / 2).Within(1e-6));
    }

    [Test]
    public void One_pair_gives_a_difference_but_no_interval()
    {
        var difference = PairedDifference.Of(new Dictionary<long, double> { [3] = 5 }, new Dictionary<long, double> { [3] = 4 });
        Assert.That(difference.Spread.Mean, Is.EqualTo(1));
        Assert.That(double.IsNaN(difference.Low) && double.IsNaN(difference.High));
    }

    [Test]
    public void Spread_uses_the_sample_standard_deviation()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7.
        var spread = Spread.Of([2, 4, 4, 4, 5, 5, 7, 9]);
        Assert.That(spread.Mean, Is.EqualTo(5));
        Assert.That(spread.Sd, Is.EqualTo(Math.Sqrt(32.0 / 7)).Within(1e-12));
    }
}
