using System.Threading.Channels;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Sdk.Training;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>
/// Produces the shuffled batches of one epoch on a background task, a few batches ahead of the
/// training loop, so data preparation overlaps compute. Each view's crop comes from the
/// <see cref="ICropSampler"/>; the rest (resize, flip, colour, blur, solarize, normalisation) from the
/// augmentation pipeline its <see cref="ViewSpec"/> names.
/// </summary>
/// <remarks>
/// A method that implements <see cref="IViewImageSelector"/> chooses which image each view is cropped from
/// (WCL's KNN multi-crop: the image's neighbours); by default every view is a crop of its own image. Views with their own <see cref="ViewSpec.Scale"/> pass it to the sampler.
/// Memory is bounded: at most <c>prefetch</c> finished batches wait in the channel, plus the one
/// being built and the one being trained on. Images of a batch are augmented in parallel; each
/// view's randomness comes from (seed, epoch, index, view) only, so batches do not depend on the
/// number of threads. In a data-parallel job every rank shuffles the same permutation and takes its
/// contiguous share of each global batch (<see cref="ShardOf"/>), so the ranks together read exactly the
/// batches one process would.
/// </remarks>
public sealed class ViewBatchLoader
{
    private readonly IImageDataset _data;
    private readonly ICropSampler _sampler;
    private readonly AugmentationPipeline[] _pipelines;
    private readonly int[] _sizes;
    private readonly CropScale?[] _scales;
    private readonly IViewImageSelector? _selector;
    private readonly int _batchSize;
    private readonly long _seed;
    private readonly Normalization _norm;
    private readonly int _rank;
    private readonly int _worldSize = 1;

    /// <summary>Creates the loader; throws <see cref="ArgumentException"/> for an unknown pipeline name.</summary>
    /// <param name="data">The training images.</param>
    /// <param name="sampler">Chooses every view's crop.</param>
    /// <param name="views">The method's views: pipeline name and optional size.</param>
    /// <param name="defaultSize">Size of views whose <see cref="ViewSpec.Size"/> is null (pretrain.image_size).</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="norm">Normalisation applied last.</param>
    /// <param name="selector">Chooses the image each view is cropped from; null for the view's own image.</param>
    public ViewBatchLoader(IImageDataset data, ICropSampler sampler, IReadOnlyList<ViewSpec> views, int defaultSize, int batchSize, long seed, Normalization norm,
                           IViewImageSelector? selector = null)
    {
        if (views.Count == 0) throw new ArgumentException("The method declares no views.");
        _data = data;
        _sampler = sampler;
        _pipelines = views.Select(v => AugmentationPipelines.Get(v.Pipeline)).ToArray();
        _sizes = views.Select(v => v.Size ?? defaultSize).ToArray();
        _scales = views.Select(v => v.Scale).ToArray();
        _selector = selector;
        _batchSize = batchSize;
        _seed = seed;
        _norm = norm;
    }

    /// <summary>
    /// Makes this loader read rank <paramref name="shardRank"/>'s share of every global batch of <c>batchSize</c>
    /// images in a job of <paramref name="shards"/> processes; the batch size must divide evenly.
    /// </summary>
    public ViewBatchLoader ShardOf(int shardRank, int shards)
    {
        if (_batchSize % shards != 0)
            throw new StageSetupException($"pretrain.batch_size {_batchSize} is the global batch and must divide evenly among the {shards} processes; use a multiple of {shards}.");
        return new ViewBatchLoader(this, shardRank, shards);
    }

    private ViewBatchLoader(ViewBatchLoader all, int shardRank, int shards)
    {
        (_data, _sampler, _pipelines, _sizes, _scales, _selector, _batchSize, _seed, _norm) =
            (all._data, all._sampler, all._pipelines, all._sizes, all._scales, all._selector, all._batchSize, all._seed, all._norm);
        (_rank, _worldSize) = (shardRank, shards);
    }

    /// <summary>Images of a global batch this process reads.</summary>
    public int LocalBatchSize => _batchSize / _worldSize;

    /// <summary>Batches per epoch (the last partial batch is dropped, as the official code does).</summary>
    public int BatchesPerEpoch => _data.Count / _batchSize;

    /// <summary>Seconds the consumer waited for data in the last epoch.</summary>
    public double WaitSeconds { get; private set; }

    /// <summary>
    /// Streams the batches of <paramref name="epoch"/>, prefetching up to <paramref name="prefetch"/> on a
    /// background task; with 0, each batch is built when asked for (its build time counts as waiting).
    /// </summary>
    public async IAsyncEnumerable<ViewBatch> Epoch(int epoch, int prefetch = 2,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var order = Enumerable.Range(0, _data.Count).ToArray();
        new Random(DeterministicSeed.Combine(_seed, epoch, -1, -1)).Shuffle(order);
        int[] Batch(int b) => order.AsSpan(b * _batchSize + _rank * LocalBatchSize, LocalBatchSize).ToArray();
        WaitSeconds = 0;
        var clock = new System.Diagnostics.Stopwatch();
        if (prefetch == 0)
        {
            for (int b = 0; b < BatchesPerEpoch; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                clock.Restart();
                var batch = Build(Batch(b), epoch);
                WaitSeconds += clock.Elapsed.TotalSeconds;
                yield return batch;
            }
            yield break;
        }

        var channel = Channel.CreateBounded<ViewBatch>(prefetch);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (int b = 0; b < BatchesPerEpoch; b++)
                    await channel.Writer.WriteAsync(Build(Batch(b), epoch), cancellation);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, cancellation);

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

    /// <summary>
    /// The sampler's request for view <paramref name="view"/> of image <paramref name="owner"/> in <paramref name="epoch"/>,
    /// cropped from image <paramref name="source"/> (the owner's, unless a selector chose another), and the random
    /// stream the view draws from. One place, so a crop preview asks exactly what training asks.
    /// </summary>
    public static (CropRequest Request, Random Random) ViewRequest(long seed, int epoch, int owner, int source, int view, RgbImage image, CropScale? scale) =>
        (new CropRequest(source, view, image.Height, image.Width) { Scale = scale, Epoch = epoch, Pixels = image.Pixels },
         new Random(DeterministicSeed.Combine(seed, epoch, owner, view)));

    /// <summary>
    /// Builds one batch; deterministic in (seed, epoch, index, view) and the selector's choice of image (a
    /// view of another image keeps the randomness of the image it belongs to).
    /// </summary>
    public ViewBatch Build(int[] indices, int epoch)
    {
        var views = _sizes.Select(s => new float[indices.Length * 3 * s * s]).ToArray();
        Parallel.For(0, indices.Length, i =>
        {
            var own = _data.Get(indices[i]).Image;
            for (int v = 0; v < views.Length; v++)
            {
                int source = _selector?.ImageFor(indices[i], v) ?? indices[i];
                var image = source == indices[i] ? own : _data.Get(source).Image;
                var (request, random) = ViewRequest(_seed, epoch, indices[i], source, v, image, _scales[v]);
                var crop = _sampler.Sample(request, random);
                if (crop.Top < 0 || crop.Left < 0 || crop.Height < 1 || crop.Width < 1 ||
                    crop.Top + crop.Height > image.Height || crop.Left + crop.Width > image.Width)
                    throw new InvalidOperationException(
                        $"The crop sampler returned {crop} for a {image.Height}×{image.Width} image (index {source}); crops must lie inside the image.");
                int stride = 3 * _sizes[v] * _sizes[v];
                _pipelines[v].Write(image, crop, _sizes[v], random, _norm, views[v].AsSpan(i * stride, stride));
            }
        });
        return new ViewBatch(indices, views, _sizes);
    }
}
