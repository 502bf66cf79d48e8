using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>
/// Data-parallel SimCLR (global negatives, gradient averaging, parameters broadcast from rank 0) on a BatchNorm-free
/// model: three SGD steps (momentum, weight decay) on 2 ranks × 4 images must equal three steps on one process
/// with the 8-image global batch.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DataParallelStepTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Test]
    public void Two_ranks_with_batch_B_take_the_same_steps_as_one_process_with_batch_2B()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "step", "8", "3", "global");
        var two = MpiLaunch.Run(2, Limit, "step", "4", "3", "global");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        Assert.That(single.Lines(0), Does.Contain("world 1"));
        Assert.That(two.Lines(0), Does.Contain("world 2"));

        var expected = single.Parameters(0);
        // The steps must have moved the parameters far more than the tolerance, or equality would prove nothing.
        Assert.That(single.Values(0, "moved")[0], Is.GreaterThan(0.05));
        Assert.That(two.Parameters(0), Is.EqualTo(expected).Within(1e-5));
        // Both replicas hold the same parameters: they started from rank 0's (rank 1 was initialised from another seed) and took the same steps.
        Assert.That(two.Parameters(1), Is.EqualTo(two.Parameters(0)));
        for (int step = 0; step < 3; step++)
            Assert.That(two.Values(0, $"loss {step}")[0], Is.EqualTo(single.Values(0, $"loss {step}")[0]).Within(1e-5));
    }

    [Test]
    public void Negatives_from_the_own_rank_only_do_not_match_the_single_process_step()
    {
        // The contrast that shows the equivalence test can fail: without the gather each rank sees 2B − 1 candidates, not 4B − 1.
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "step", "8", "3", "global");
        var local = MpiLaunch.Run(2, Limit, "step", "4", "3", "local");
        Assert.That(local.ExitCode, Is.EqualTo(0), local.Output);
        double largest = single.Parameters(0).Zip(local.Parameters(0)).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(largest, Is.GreaterThan(1e-3));
    }
}
