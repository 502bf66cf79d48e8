namespace ContrastiveCrop.Cli.Comparison;

/// <summary>
/// Student's t distribution with an integer number of degrees of freedom ν, through the closed-form
/// finite series of P(|T| ≤ t) (Abramowitz &amp; Stegun 26.7.3–26.7.4, in θ = atan(t/√ν)); its
/// quantiles by bisection. Exact to double precision for the small ν of seed comparisons, with no
/// incomplete-beta or gamma function involved.
/// </summary>
internal static class StudentT
{
    /// <summary>A(t | ν) = P(|T| ≤ t) for t ≥ 0.</summary>
    public static double TwoSidedProbability(double t, int dof)
    {
        if (dof < 1) throw new ArgumentOutOfRangeException(nameof(dof), dof, "degrees of freedom must be at least 1");
        if (t <= 0) return 0;
        if (double.IsPositiveInfinity(t)) return 1;
        return ProbabilityAtAngle(Math.Atan(t / Math.Sqrt(dof)), dof);
    }

    /// <summary>
    /// The t with P(|T| ≤ t) = <paramref name="confidence"/>, i.e. the (1 + confidence)/2 quantile:
    /// the half-width factor of a two-sided confidence interval (12.706 for 95% and ν = 1).
    /// </summary>
    public static double TwoSidedCritical(double confidence, int dof)
    {
        if (confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        if (dof < 1) throw new ArgumentOutOfRangeException(nameof(dof), dof, "degrees of freedom must be at least 1");
        // A is increasing in θ ∈ [0, π/2): bisect on the angle, where the interval is bounded.
        double low = 0, high = Math.PI / 2;
        for (int i = 0; i < 200 && high - low > 1e-16; i++)
        {
            double mid = 0.5 * (low + high);
            if (ProbabilityAtAngle(mid, dof) < confidence) low = mid; else high = mid;
        }
        return Math.Sqrt(dof) * Math.Tan(0.5 * (low + high));
    }

    private static double ProbabilityAtAngle(double theta, int dof)
    {
        double sin = Math.Sin(theta), cos = Math.Cos(theta), cos2 = cos * cos;
        if (dof % 2 == 0)
        {
            // sinθ · (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2)) cos^(ν−2)θ)
            double term = 1, sum = 1;
            for (int k = 2; k <= dof - 2; k += 2)
            {
                term *= (k - 1.0) / k * cos2;
                sum += term;
            }
            return sin * sum;
        }
        if (dof == 1) return 2 * theta / Math.PI;
        // (2/π)(θ + sinθ·(cosθ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^(ν−2)θ))
        double odd = cos, oddSum = cos;
        for (int k = 3; k <= dof - 2; k += 2)
        {
            odd *= (k - 1.0) / k * cos2;
            oddSum += odd;
        }
        return 2 / Math.PI * (theta + sin * oddSum);
    }
}
