using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>
/// Synchronised BatchNorm: SimCLR with BatchNorm in the backbone and the projector, three SGD steps on 2 ranks × 4
/// images, against one process with the 8-image global batch and PyTorch's own (unsynchronised) BatchNorm.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SyncBatchNormTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Test]
    public void Two_ranks_with_synchronised_BatchNorm_take_the_steps_and_keep_the_running_statistics_of_one_process()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "step", "8", "3", "global", "bn");
        var two = MpiLaunch.Run(2, Limit, "step", "4", "3", "global", "bn-sync");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        // The backbone's BatchNorm2d and the projector's BatchNorm1d.
        Assert.That(two.Values(0, "synchronised_layers"), Is.EqualTo(new[] { 2.0 }));
        Assert.That(single.Values(0, "moved")[0], Is.GreaterThan(0.05));
        AssertClose(two.Parameters(0), single.Parameters(0), "parameters");
        Assert.That(two.Parameters(1), Is.EqualTo(two.Parameters(0)));
        for (int step = 0; step < 3; step++)
            Assert.That(two.Values(0, $"loss {step}")[0], Is.EqualTo(single.Values(0, $"loss {step}")[0]).Within(1e-5));
        // Running mean and (unbiased) variance of the global batch on both ranks; num_batches_tracked is an integer buffer, not listed.
        foreach (int rank in new[] { 0, 1 })
            foreach (var name in new[] { "backbone.stem.1.running_mean", "backbone.stem.1.running_var", "projector.1.running_mean", "projector.1.running_var" })
                AssertClose(Buffer(two, rank, name), Buffer(single, 0, name), $"{name} on rank {rank}");
    }

    [Test]
    public void Per_rank_BatchNorm_does_not_match_the_single_process_step()
    {
        // The contrast: BatchNorm over each rank's 4 images is not BatchNorm over the 8.
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "step", "8", "3", "global", "bn");
        var local = MpiLaunch.Run(2, Limit, "step", "4", "3", "global", "bn");
        Assert.That(local.ExitCode, Is.EqualTo(0), local.Output);
        double largest = single.Parameters(0).Zip(local.Parameters(0)).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(largest, Is.GreaterThan(1e-3));
    }

    // 1e-5 relative to the value's size (and absolute near zero): the synchronised statistics are summed in float64
    // in another order than the native layer's float32 ones, which moves float32 results by a few units in the last place.
    private static void AssertClose(double[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
            Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(1e-5 * (1 + Math.Abs(expected[i]))), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }

    private static double[] Buffer(MpiLaunch.Outcome run, int rank, string name) => run.Values(rank, $"buffer {name}");
}
