using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>
/// Open MPI collectives through the P/Invoke backend, two ranks under mpirun, against values computed by hand:
/// rank r contributes [r + 1, 10(r + 1), −(r + 1)] to the sum, and so on (see the probe's Collectives).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MpiCollectivesTests
{
    private MpiLaunch.Outcome _run = null!;

    [OneTimeSetUp]
    public void RunProbe()
    {
        MpiLaunch.RequireMpi();
        _run = MpiLaunch.Run(2, TimeSpan.FromMinutes(3), "collectives");
        Assert.That(_run.ExitCode, Is.EqualTo(0), _run.Output);
    }

    [TestCase(0)]
    [TestCase(1)]
    public void All_reduce_gives_every_rank_the_sum_max_and_min(int rank)
    {
        Assert.That(_run.Lines(rank), Does.Contain("world 2").And.Contain("backend mpi"));
        // Σ_r [r+1, 10(r+1), −(r+1)] over r = 0, 1.
        Assert.That(_run.Values(rank, "allreduce_sum"), Is.EqualTo(new[] { 3.0, 30.0, -3.0 }));
        // max_r [r, −r, r/4] in float64.
        Assert.That(_run.Values(rank, "allreduce_max"), Is.EqualTo(new[] { 1.0, 0.0, 0.25 }));
        // min_r [3e9·(r+1), −r] in int64: the first value does not fit 32 bits.
        Assert.That(_run.Values(rank, "allreduce_min_int64"), Is.EqualTo(new[] { 3e9, -1.0 }));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void All_gather_concatenates_rows_in_rank_order(int rank)
    {
        Assert.That(_run.Lines(rank), Has.Some.StartsWith("allgather 2 2 |"));
        Assert.That(_run.Values(rank, "allgather"), Is.EqualTo(new[] { 0.0, 0.5, 1.0, 1.5 }));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Broadcast_copies_the_root_ranks_values(int rank) =>
        // Root is the last rank (1), whose tensor is filled with 7·1 + 1.
        Assert.That(_run.Values(rank, "broadcast_from_last"), Is.EqualTo(new[] { 8.0, 8.0, 8.0, 8.0 }));

    [TestCase(0, new[] { 3.0, 6.0 })]
    [TestCase(1, new[] { 9.0, 12.0 })]
    public void Gather_with_gradient_returns_each_rank_the_summed_gradient_of_its_own_rows(int rank, double[] gradient)
    {
        // Forward: rank r's row is [r + 1, 2(r + 1)].
        Assert.That(_run.Values(rank, "gather_forward"), Is.EqualTo(new[] { 1.0, 2.0, 2.0, 4.0 }));
        // Rank r's loss Σ gathered ⊙ (r + 1)·[[1, 2], [3, 4]]: row r's gradient summed over ranks is (1 + 2)·[2r + 1, 2r + 2].
        Assert.That(_run.Values(rank, "gather_grad"), Is.EqualTo(gradient));
    }

    [Test]
    public void Barrier_returns_on_both_ranks()
    {
        Assert.That(_run.Lines(0), Does.Contain("barrier passed"));
        Assert.That(_run.Lines(1), Does.Contain("barrier passed"));
    }
}
