using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Datasets;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Training;

/// <summary>The view loader: pipelines and sizes per view, determinism, epochs.</summary>
[TestFixture]
public sealed class ViewBatchLoaderTests
{
    /// <summary>Always the whole image, so only the pipeline varies.</summary>
    private sealed class WholeImage : ICropSampler
    {
        public CropBox Sample(in CropRequest request, Random random) => CropBox.Whole(request.Height, request.Width);
    }

    private static InMemoryDataset Data(int count)
    {
        var random = new Random(1);
        var images = Enumerable.Range(0, count).Select(i =>
        {
            var pixels = new byte[12 * 12 * 3];
            random.NextBytes(pixels);
            return new LabeledImage(new RgbImage(12, 12, pixels), i % 3);
        }).ToList();
        return new InMemoryDataset("noise", images, ["a", "b", "c"]);
    }

    [Test]
    public void Each_view_gets_its_own_size_and_a_reproducible_augmentation()
    {
        var views = new[] { new ViewSpec("byol-1"), new ViewSpec("byol-2", 8) };
        var loader = new ViewBatchLoader(Data(10), new WholeImage(), views, 16, 4, 7, Normalization.ImageNet);
        var a = loader.Build([3, 1, 4, 9], epoch: 2);
        var b = new ViewBatchLoader(Data(10), new WholeImage(), views, 16, 4, 7, Normalization.ImageNet).Build([3, 1, 4, 9], epoch: 2);
        Assert.That(a.Sizes, Is.EqualTo(new[] { 16, 8 }));
        Assert.That(a.Views[0], Has.Length.EqualTo(4 * 3 * 16 * 16));
        Assert.That(a.Views[1], Has.Length.EqualTo(4 * 3 * 8 * 8));
        Assert.That(a.Views[0], Is.EqualTo(b.Views[0]));
        Assert.That(a.Views[1], Is.EqualTo(b.Views[1]));
        Assert.Throws<InvalidOperationException>(() => _ = a.Size);
    }

    [Test]
    public void An_image_gets_the_same_views_wherever_it_sits_in_the_batch()
    {
        var loader = new ViewBatchLoader(Data(10), new WholeImage(), [new ViewSpec("simclr"), new ViewSpec("simclr")], 10, 2, 7, Normalization.ImageNet);
        var first = loader.Build([5, 6], epoch: 0);
        var second = loader.Build([6, 5], epoch: 0);
        int stride = 3 * 10 * 10;
        Assert.That(first.Views[1].AsSpan(0, stride).ToArray(), Is.EqualTo(second.Views[1].AsSpan(stride, stride).ToArray()));
        var nextEpoch = loader.Build([5, 6], epoch: 1);
        Assert.That(nextEpoch.Views[1], Is.Not.EqualTo(first.Views[1]));
    }

    private static List<ViewBatch> Stream(ViewBatchLoader loader, int epoch, int prefetch)
    {
        var batches = new List<ViewBatch>();
        var enumerator = loader.Epoch(epoch, prefetch).GetAsyncEnumerator();
        while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult()) batches.Add(enumerator.Current);
        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return batches;
    }

    [TestCase(0)]
    [TestCase(2)]
    public void An_epoch_streams_every_full_batch_once_with_distinct_images(int prefetch)
    {
        var loader = new ViewBatchLoader(Data(10), new WholeImage(), [new ViewSpec("small"), new ViewSpec("small")], 8, 3, 0, Normalization.ImageNet);
        var indices = Stream(loader, 0, prefetch).SelectMany(b => b.Indices).ToList();
        Assert.That(indices, Has.Count.EqualTo(9)); // 3 batches of 3; the partial batch is dropped
        Assert.That(indices, Is.Unique);
    }

    [Test]
    public void Building_batches_between_steps_gives_the_same_batches_as_background_prefetch()
    {
        var loader = new ViewBatchLoader(Data(10), new WholeImage(), [new ViewSpec("simclr"), new ViewSpec("small")], 8, 3, 5, Normalization.ImageNet);
        var inline = Stream(loader, 1, prefetch: 0);
        var background = Stream(loader, 1, prefetch: 2);
        Assert.That(inline, Has.Count.EqualTo(background.Count));
        for (int b = 0; b < inline.Count; b++)
        {
            Assert.That(inline[b].Indices, Is.EqualTo(background[b].Indices));
            for (int v = 0; v < 2; v++) Assert.That(inline[b].Views[v], Is.EqualTo(background[b].Views[v]));
        }
    }

    [Test]
    public void An_unknown_pipeline_is_refused_when_the_loader_is_made()
    {
        var error = Assert.Throws<ArgumentException>(() => new ViewBatchLoader(Data(4), new WholeImage(), [new ViewSpec("simclr-v9")], 8, 2, 0, Normalization.ImageNet))!;
        Assert.That(error.Message, Does.Contain("Unknown augmentation pipeline 'simclr-v9'"));
    }
}
