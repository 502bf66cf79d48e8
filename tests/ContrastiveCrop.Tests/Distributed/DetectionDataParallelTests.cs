using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>Faster R-CNN C4 fine-tuning on 2 ranks: each rank trains on its half of every batch, the replicas stay equal, rank 0 writes.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DetectionDataParallelTests
{
    [Test]
    public void Two_ranks_fine_tune_one_model_from_rank_0s_weights_and_only_rank_0_writes_the_checkpoint()
    {
        MpiLaunch.RequireMpi();
        var two = MpiLaunch.Run(2, TimeSpan.FromMinutes(5), "detection");
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        Assert.That(two.Values(0, "moved")[0], Is.GreaterThan(1e-3), "three steps must move the weights");
        // Rank 1 started from other weights and saw other images; broadcast and averaged gradients keep it rank 0's replica.
        // (Each parameter's sum, sum of squares and index-weighted sum, in float64.)
        Assert.That(two.Parameters(1), Is.EqualTo(two.Parameters(0)));
        Assert.That(two.Lines(0), Does.Contain("checkpoint True"));
        Assert.That(two.Lines(1), Does.Contain("checkpoint False"));
    }
}
