using ContrastiveCrop.Plugins.Samplers;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Samplers;

[TestFixture]
public sealed class BetaDistributionTests
{
    private const int Draws = 200_000;

    /// <summary>
    /// Beta(a, b) has mean a/(a+b) and variance ab/((a+b)²(a+b+1)); for a = b = α that is 1/2 and
    /// 1/(4(2α+1)). With 200k draws the standard error of the mean is below 0.0011 (α = 0.1, variance
    /// 0.208), so 0.005 is over 4 standard errors; the variance tolerance is 2% relative.
    /// </summary>
    [TestCase(0.1, 0.1)]
    [TestCase(0.6, 0.6)]
    [TestCase(1.0, 1.0)]
    [TestCase(3.0, 3.0)]
    [TestCase(2.0, 5.0)]
    [TestCase(0.3, 1.7)]
    public void Draws_match_the_mean_and_variance_of_Beta(double a, double b)
    {
        var beta = new BetaDistribution(a, b);
        var random = new Random(1234);
        var x = new double[Draws];
        for (int i = 0; i < Draws; i++) x[i] = beta.Sample(random);
        double mean = x.Average(), variance = x.Sum(v => (v - mean) * (v - mean)) / (Draws - 1);
        double expectedMean = a / (a + b), expectedVariance = a * b / ((a + b) * (a + b) * (a + b + 1));
        Assert.That(x, Is.All.InRange(0.0, 1.0));
        Assert.That(mean, Is.EqualTo(expectedMean).Within(0.005));
        Assert.That(variance, Is.EqualTo(expectedVariance).Within(0.02 * expectedVariance));
    }

    [Test]
    public void Small_alpha_is_U_shaped_and_large_alpha_is_peaked()
    {
        // P(X < 0.1 or X > 0.9) is 0.2 for the uniform (α = 1); larger for α < 1, smaller for α > 1.
        double Edges(double alpha)
        {
            var beta = new BetaDistribution(alpha, alpha);
            var random = new Random(7);
            return Enumerable.Range(0, 20_000).Select(_ => beta.Sample(random)).Count(v => v < 0.1 || v > 0.9) / 20_000.0;
        }
        Assert.That(Edges(1.0), Is.EqualTo(0.2).Within(0.015));
        Assert.That(Edges(0.1), Is.GreaterThan(0.7));
        Assert.That(Edges(3.0), Is.LessThan(0.1));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    public void Non_positive_shapes_are_refused(double alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BetaDistribution(alpha, alpha));
}
