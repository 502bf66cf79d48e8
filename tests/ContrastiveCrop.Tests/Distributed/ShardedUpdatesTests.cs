using System.Globalization;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>
/// The passes between epochs split among 2 ranks (ContrastiveCrop's box update, WCL's neighbour table) and WCL's loss
/// over the global batch, each against one process doing the whole thing.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ShardedUpdatesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static double Statistics(MpiLaunch.Outcome run, int rank) =>
        double.Parse(File.ReadAllLines(Path.Combine(run.Folder, $"statistics{rank}.txt")).Single(), CultureInfo.InvariantCulture);

    [Test]
    public void A_box_update_split_between_two_ranks_gives_every_rank_exactly_the_boxes_of_one_process()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "boxes");
        var two = MpiLaunch.Run(2, Limit, "boxes");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        // The ranks' BatchNorm running statistics differed before the update: rank 1 must have used rank 0's.
        Assert.That(Statistics(two, 1), Is.Not.EqualTo(Statistics(two, 0)));

        var expected = single.Values(0, "boxes");
        Assert.That(expected, Has.Length.EqualTo(23 * 4));
        // The update found boxes smaller than the whole image, or equality would say little.
        Assert.That(Enumerable.Range(0, 23).Count(i => expected[4 * i + 2] - expected[4 * i] < 0.99 || expected[4 * i + 3] - expected[4 * i + 1] < 0.99), Is.GreaterThan(5));
        Assert.That(two.Values(0, "boxes"), Is.EqualTo(expected));
        Assert.That(two.Values(1, "boxes"), Is.EqualTo(expected));
        // Rank 1 computed only batches 1 and 3 of 5 itself, yet holds the boxes as localised.
        Assert.That(two.Lines(1), Does.Contain("localized True"));
    }

    [Test]
    public void A_neighbour_table_computed_by_two_ranks_equals_one_processs_table_on_both_ranks()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "neighbours");
        var two = MpiLaunch.Run(2, Limit, "neighbours");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        var expected = single.Values(0, "table");
        Assert.That(expected, Has.Length.EqualTo(23 * 3));
        // Every row lists three other images.
        for (int i = 0; i < 23; i++)
            Assert.That(expected.Skip(3 * i).Take(3), Is.Unique.And.None.EqualTo((double)i), $"row {i}");
        Assert.That(two.Values(0, "table"), Is.EqualTo(expected));
        Assert.That(two.Values(1, "table"), Is.EqualTo(expected));
    }

    [Test]
    public void WCL_on_two_ranks_has_the_loss_and_averaged_gradients_of_one_process_over_the_global_batch()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "wcl", "8");
        var two = MpiLaunch.Run(2, Limit, "wcl", "4");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);
        // One process runs WCL's single-process code (NT-Xent, graph, multi-crop on one batch), the ranks the gathered form.
        Assert.That(two.Values(0, "loss")[0], Is.EqualTo(single.Values(0, "loss")[0]).Within(1e-5));
        foreach (var name in new[] { "grad_z", "grad_h", "grad_small_z", "grad_small_h" })
        {
            var expected = single.Values(0, name);
            Assert.That(expected.Max(Math.Abs), Is.GreaterThan(1e-3), $"{name} is zero: the term contributes nothing");
            Assert.That(two.Values(0, name), Is.EqualTo(expected).Within(1e-5), name);
            Assert.That(two.Values(1, name), Is.EqualTo(expected).Within(1e-5), name);
        }
    }
}
