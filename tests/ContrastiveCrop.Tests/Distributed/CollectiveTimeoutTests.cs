using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>A rank that stops taking part must not leave the others waiting forever.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CollectiveTimeoutTests
{
    [Test]
    public void A_hung_rank_ends_every_rank_with_exit_code_2_and_one_message_after_the_timeout()
    {
        MpiLaunch.RequireMpi();
        // Rank 1 sleeps for ten minutes instead of joining the second all-reduce; the timeout is 3 s.
        var run = MpiLaunch.Run(2, TimeSpan.FromMinutes(2), "hang", "3");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Output);
        Assert.That(run.Output, Does.Contain("error: rank 0: all-reduce of 3 elements did not complete within 3 s (distributed.timeout_seconds)"));
        Assert.That(run.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)), "the job must end soon after the timeout, not when the sleeping rank wakes");
    }

    [Test]
    public void A_rank_that_exits_early_ends_every_rank_with_exit_code_2_and_one_message()
    {
        MpiLaunch.RequireMpi();
        // Rank 1 calls Environment.Exit(0) without MPI_Finalize before the second all-reduce; mpirun alone would end
        // the job with status 1 after noticing. The rank's exit handler ends it with MPI_Abort(2) and says which rank left.
        var run = MpiLaunch.Run(2, TimeSpan.FromMinutes(2), "exit", "30");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Output);
        Assert.That(run.Output, Does.Contain("error: rank 1 of 2 is exiting before the job finished (exit code 0); ending every rank."));
        Assert.That(run.Elapsed, Is.LessThan(TimeSpan.FromSeconds(25)), "the job must end when the rank exits, before the 30 s watchdog");
    }
}
