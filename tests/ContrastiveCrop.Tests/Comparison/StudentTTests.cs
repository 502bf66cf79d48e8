using ContrastiveCrop.Cli.Comparison;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Comparison;

/// <summary>Student's t quantiles against published tables and closed forms.</summary>
[TestFixture]
public sealed class StudentTTests
{
    // Two-sided 95% critical values (the 0.975 quantile) as printed in standard t tables (3 decimals).
    [TestCase(1, 12.706)]
    [TestCase(2, 4.303)]
    [TestCase(3, 3.182)]
    [TestCase(4, 2.776)]
    [TestCase(5, 2.571)]
    [TestCase(6, 2.447)]
    [TestCase(9, 2.262)]
    [TestCase(10, 2.228)]
    [TestCase(20, 2.086)]
    [TestCase(29, 2.045)]
    [TestCase(30, 2.042)]
    [TestCase(120, 1.980)]
    public void The_95_percent_critical_value_matches_the_t_table(int dof, double table)
    {
        Assert.That(StudentT.TwoSidedCritical(0.95, dof), Is.EqualTo(table).Within(0.0005));
    }

    [TestCase(1, 63.657)]
    [TestCase(4, 4.604)]
    [TestCase(9, 3.250)]
    public void The_99_percent_critical_value_matches_the_t_table(int dof, double table)
    {
        Assert.That(StudentT.TwoSidedCritical(0.99, dof), Is.EqualTo(table).Within(0.0005));
    }

    [Test]
    public void One_and_two_degrees_of_freedom_match_their_closed_forms()
    {
        // ν = 1 is Cauchy: the 0.975 quantile is tan(0.475π). ν = 2: t = (2p − 1)/sqrt(2p(1 − p)) at p = 0.975.
        Assert.That(StudentT.TwoSidedCritical(0.95, 1), Is.EqualTo(Math.Tan(0.475 * Math.PI)).Within(1e-9));
        Assert.That(StudentT.TwoSidedCritical(0.95, 2), Is.EqualTo(0.95 / Math.Sqrt(2 * 0.975 * 0.025)).Within(1e-9));
        Assert.That(StudentT.TwoSidedProbability(1, 1), Is.EqualTo(0.5).Within(1e-15), "P(|T| ≤ 1) = 1/2 for the Cauchy distribution");
    }

    [Test]
    public void Many_degrees_of_freedom_approach_the_normal_quantile()
    {
        Assert.That(StudentT.TwoSidedCritical(0.95, 100_000), Is.EqualTo(1.959964).Within(1e-4));
    }

    [Test]
    public void Zero_degrees_of_freedom_are_rejected()
    {
        Assert.That(() => StudentT.TwoSidedCritical(0.95, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
