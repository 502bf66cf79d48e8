using System.Text.Json;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>The SDK loop in a 2-rank job: what it logs is the mean over the ranks, and a non-finite loss on one rank stops both.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RankMeanLossTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static List<(string Stage, JsonElement Values)> Metrics(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("stage").GetString()!, r.GetProperty("values").Clone())).ToList();

    [Test]
    public void The_logged_loss_parts_and_observations_are_the_means_over_the_ranks()
    {
        MpiLaunch.RequireMpi();
        var run = MpiLaunch.Run(2, Limit, "trainer", "-1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        Assert.That(run.Lines(0), Does.Contain("finished"));
        var lines = Metrics(run.Lines(0).Single(l => l.StartsWith("metrics_file ")).Split(' ', 2)[1]);
        var steps = lines.Where(l => l.Stage == "probe/step").ToList();
        Assert.That(steps, Has.Count.EqualTo(3));
        // Rank r's loss is r + 1 and its part 2(r + 1): means 1.5 and 3 (rank 0 alone would log 1 and 2).
        foreach (var (_, values) in steps)
        {
            Assert.That(values.GetProperty("loss").GetDouble(), Is.EqualTo(1.5).Within(1e-9));
            Assert.That(values.GetProperty("double").GetDouble(), Is.EqualTo(3.0).Within(1e-9));
        }
        var epoch = lines.Single(l => l.Stage == "probe/epoch").Values;
        Assert.That(epoch.GetProperty("loss").GetDouble(), Is.EqualTo(1.5).Within(1e-9));
        Assert.That(epoch.GetProperty("rank").GetDouble(), Is.EqualTo(0.5).Within(1e-9));
        // Rank 1 wrote no metrics.
        var other = run.Lines(1).Single(l => l.StartsWith("metrics_file ")).Split(' ', 2)[1];
        Assert.That(!File.Exists(other) || new FileInfo(other).Length == 0, Is.True);
    }

    [Test]
    public void A_loss_that_is_not_finite_on_one_rank_stops_every_rank_at_the_same_step()
    {
        MpiLaunch.RequireMpi();
        // Rank 1's loss becomes NaN at step 2 (0-based 1); rank 0's stays 1.
        var run = MpiLaunch.Run(2, Limit, "trainer", "1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        foreach (int rank in new[] { 0, 1 })
            Assert.That(run.Lines(rank), Has.One.StartsWith("diverged probe: the loss became NaN at epoch 1, step 2"), $"rank {rank}");
    }
}
