using System.Threading.Channels;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Produces the shuffled batches of one epoch on a background task, a few batches ahead of the
/// training loop, so data preparation overlaps compute. Each view's crop comes from the
/// <see cref="ICropSampler"/>, followed by a resize and a random horizontal flip.
/// </summary>
public sealed class ViewBatchLoader(IImageDataset data, ICropSampler sampler, int viewCount, int size, int batchSize, long seed, Normalization norm)
{
    /// <summary>Batches per epoch (the last partial batch is dropped, as the official code does).</summary>
    public int BatchesPerEpoch => data.Count / batchSize;

    /// <summary>Seconds the consumer waited for data in the last epoch.</summary>
    public double WaitSeconds { get; private set; }

    /// <summary>Streams the batches of <paramref name="epoch"/>, prefetching up to <paramref name="prefetch"/>.</summary>
    public async IAsyncEnumerable<ViewBatch> Epoch(int epoch, int prefetch = 2,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(DeterministicSeed.Combine(seed, epoch, -1, -1)).Shuffle(order);
        var channel = Channel.CreateBounded<ViewBatch>(prefetch);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (int b = 0; b < BatchesPerEpoch; b++)
                    await channel.Writer.WriteAsync(Build(order.AsSpan(b * batchSize, batchSize).ToArray(), epoch), cancellation);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, cancellation);

        WaitSeconds = 0;
        var clock = new System.Diagnostics.Stopwatch();
        while (true)
        {
            clock.Restart();
            bool more = await channel.Reader.WaitToReadAsync(cancellation);
            WaitSeconds += clock.Elapsed.TotalSeconds;
            if (!more) break;
            while (channel.Reader.TryRead(out var batch)) yield return batch;
        }
        await producer;
    }

    /// <summary>Builds one batch; deterministic in (seed, epoch, index, view).</summary>
    public ViewBatch Build(int[] indices, int epoch)
    {
        int stride = 3 * size * size;
        var views = Enumerable.Range(0, viewCount).Select(_ => new float[indices.Length * stride]).ToArray();
        Parallel.For(0, indices.Length, i =>
        {
            var image = data.Get(indices[i]).Image;
            for (int v = 0; v < viewCount; v++)
            {
                var random = new Random(DeterministicSeed.Combine(seed, epoch, indices[i], v));
                var crop = sampler.Sample(new CropRequest(indices[i], v, image.Height, image.Width), random);
                if (crop.Top < 0 || crop.Left < 0 || crop.Height < 1 || crop.Width < 1 ||
                    crop.Top + crop.Height > image.Height || crop.Left + crop.Width > image.Width)
                    throw new InvalidOperationException(
                        $"The crop sampler returned {crop} for a {image.Height}×{image.Width} image (index {indices[i]}); crops must lie inside the image.");
                bool flip = random.NextDouble() < 0.5;
                ResizedCrop.Write(image, crop, size, flip, norm, views[v].AsSpan(i * stride, stride));
            }
        });
        return new ViewBatch(indices, views, size);
    }
}
