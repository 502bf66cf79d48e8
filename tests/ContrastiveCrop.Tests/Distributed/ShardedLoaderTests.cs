using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Datasets;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>Each rank reads its contiguous share of every global batch of one shared permutation.</summary>
[TestFixture]
public sealed class ShardedLoaderTests
{
    private sealed class WholeImage : ICropSampler
    {
        public CropBox Sample(in CropRequest request, Random random) => CropBox.Whole(request.Height, request.Width);
    }

    private static ViewBatchLoader Loader(int batch)
    {
        var images = Enumerable.Range(0, 26).Select(i => new LabeledImage(new RgbImage(4, 4, Enumerable.Repeat((byte)i, 48).ToArray()), 0)).ToList();
        return new ViewBatchLoader(new InMemoryDataset("flat", images, ["a"]), new WholeImage(), [new ViewSpec("simclr"), new ViewSpec("simclr")],
                                   4, batch, 11, Normalization.ImageNet);
    }

    private static List<ViewBatch> Epoch(ViewBatchLoader loader, int epoch)
    {
        var batches = new List<ViewBatch>();
        var e = loader.Epoch(epoch, prefetch: 0).GetAsyncEnumerator();
        while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) batches.Add(e.Current);
        return batches;
    }

    [Test]
    public void Two_shards_together_read_exactly_the_single_process_batches_with_the_same_views()
    {
        var whole = Loader(8);
        var shards = new[] { whole.ShardOf(0, 2), whole.ShardOf(1, 2) };
        Assert.That(shards.Select(s => s.BatchesPerEpoch), Is.All.EqualTo(whole.BatchesPerEpoch)); // 26 / 8 = 3 global steps
        Assert.That(shards[0].LocalBatchSize, Is.EqualTo(4));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var expected = Epoch(whole, epoch);
            var parts = shards.Select(s => Epoch(s, epoch)).ToList();
            for (int b = 0; b < expected.Count; b++)
            {
                Assert.That(parts[0][b].Indices.Concat(parts[1][b].Indices), Is.EqualTo(expected[b].Indices), $"epoch {epoch} batch {b}");
                // Views depend on (seed, epoch, image, view) only: rank 1's half is the second half of the single-process batch.
                int half = expected[b].Views[0].Length / 2;
                Assert.That(parts[1][b].Views[0], Is.EqualTo(expected[b].Views[0].AsSpan(half).ToArray()));
            }
        }
    }

    [Test]
    public void A_global_batch_that_does_not_split_evenly_is_refused()
    {
        var error = Assert.Throws<StageSetupException>(() => Loader(9).ShardOf(0, 2))!;
        Assert.That(error.Message, Does.Contain("pretrain.batch_size 9 is the global batch"));
    }
}
