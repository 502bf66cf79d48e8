using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>
/// MoCo in a data-parallel job: the key encoder's BatchNorm shuffled across ranks (the official code's batch shuffle
/// and unshuffle) and a queue fed with every rank's keys, so all ranks hold the same queue.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MoCoDataParallelTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private const int PerRank = 4;

    [Test]
    public void Shuffled_keys_are_computed_with_the_batch_statistics_of_a_shared_random_shard_and_returned_in_each_ranks_order()
    {
        MpiLaunch.RequireMpi();
        var run = MpiLaunch.Run(2, Limit, "shuffle", PerRank.ToString());
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        int total = 2 * PerRank;
        var permutation = run.Values(0, "permutation").Select(v => (int)v).ToArray();
        // One permutation of the global batch, the same on both ranks although their generators were seeded differently.
        Assert.That(permutation.Order(), Is.EqualTo(Enumerable.Range(0, total)));
        Assert.That(run.Values(1, "permutation"), Is.EqualTo(run.Values(0, "permutation")));
        // The shuffle must put images of both ranks into one encoder batch, or no-shuffle would pass this test too.
        var shards = Enumerable.Range(0, 2).Select(s => permutation.Skip(s * PerRank).Take(PerRank).ToArray()).ToArray();
        Assert.That(shards.Any(shard => shard.Select(g => g / PerRank).Distinct().Count() > 1), Is.True, "the seeded permutation keeps the ranks' batches apart");

        // The encoder is x − mean(batch), so image g's key must be x_g minus the mean of the shard that held it, in g's place.
        double[] Image(int g) => [g * g / 10.0, g];
        var expected = new List<double>();
        for (int g = 0; g < total; g++)
        {
            var shard = shards.Single(s => s.Contains(g));
            var x = Image(g);
            expected.AddRange(x.Select((value, c) => value - shard.Average(h => Image(h)[c])));
        }
        Assert.That(run.Values(0, "keys"), Is.EqualTo(expected).Within(1e-5));
        Assert.That(run.Values(1, "keys"), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void Two_ranks_keep_one_queue_and_take_the_steps_of_one_process_with_the_global_batch()
    {
        MpiLaunch.RequireMpi();
        var single = MpiLaunch.Run(1, Limit, "moco", (2 * PerRank).ToString(), "3");
        var two = MpiLaunch.Run(2, Limit, "moco", PerRank.ToString(), "3");
        Assert.That(single.ExitCode, Is.EqualTo(0), single.Output);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Output);

        // Every rank queued the same keys (all ranks', in global order): the queues are bit-identical.
        Assert.That(two.Values(1, "queue"), Is.EqualTo(two.Values(0, "queue")));
        // 3 steps × 8 keys into a 12-key queue: the pointer went round twice, and every initial random key was replaced.
        Assert.That(two.Values(0, "pointer"), Is.EqualTo(new[] { 0.0 }));
        var initial = single.Values(0, "initial_queue");
        var final = single.Values(0, "queue");
        for (int row = 0; row < 12; row++)
            Assert.That(final.Skip(4 * row).Take(4), Is.Not.EqualTo(initial.Skip(4 * row).Take(4)).Within(1e-3), $"queue row {row} still holds its initial key");

        // The BatchNorm-free key encoder gives each image the key one process gives it, so the queue and the steps match.
        Assert.That(single.Values(0, "moved")[0], Is.GreaterThan(0.05));
        Assert.That(two.Values(0, "queue"), Is.EqualTo(single.Values(0, "queue")).Within(1e-5));
        Assert.That(two.Parameters(0), Is.EqualTo(single.Parameters(0)).Within(1e-5));
        Assert.That(two.Parameters(1), Is.EqualTo(two.Parameters(0)));
    }
}
