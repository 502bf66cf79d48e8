using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Sdk.Distributed;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Evaluation;

/// <summary>
/// Runs the current backbone in eval mode without gradients over un-augmented training images
/// (whole images, normalised as the run says), as the hooks that read the encoder between epochs need:
/// ContrastiveCrop's box updates and WCL's neighbour search.
/// </summary>
/// <param name="batchSize">Images per inference batch.</param>
/// <param name="fallbackSize">
/// Input side used when a batch's images are not all square and of one size (ImageNet-style data:
/// resized to the training size); otherwise images go in at native size.
/// </param>
public sealed class EvalFeaturePass(int batchSize, int fallbackSize)
{
    /// <summary>
    /// Calls <paramref name="consume"/> with each batch of image indices (in order, covering the whole
    /// data set), their last feature maps and the input side, inside one eval/no-grad section and a
    /// dispose scope per batch.
    /// </summary>
    public void ForAllImages(IImageDataset data, IBackbone backbone, IRunContext run, Action<int[], Tensor, int> consume) =>
        ForBatches(data, backbone, run, ShardedBatches.Whole(data.Count, batchSize), consume);

    /// <summary>Images per inference batch.</summary>
    public int BatchSize => batchSize;

    /// <summary>This rank's share of a pass over every image of <paramref name="data"/> (whole batches, see <see cref="ShardedBatches"/>).</summary>
    public ShardedBatches Shard(IProcessGroup group, IImageDataset data) => ShardedBatches.Of(group, data.Count, batchSize);

    /// <summary>
    /// <see cref="ForAllImages"/> over the batches of <paramref name="batches"/> only (this rank's share of a pass
    /// split among the ranks of a job; <see cref="ShardedBatches.Gather"/> then gives every rank all results).
    /// </summary>
    public void ForBatches(IImageDataset data, IBackbone backbone, IRunContext run, ShardedBatches batches, Action<int[], Tensor, int> consume) =>
        WithEvalBackbone(backbone, () =>
        {
            foreach (var indices in batches.Batches())
            {
                using var scope = NewDisposeScope();
                var (maps, size) = FeatureMaps(data, backbone, run, indices);
                consume(indices, maps, size);
                run.Cancellation.ThrowIfCancellationRequested();
            }
        });

    /// <summary>The backbone's last feature maps for images <paramref name="indices"/>, and the input side used (call inside <see cref="WithEvalBackbone"/>).</summary>
    public (Tensor Maps, int Size) FeatureMaps(IImageDataset data, IBackbone backbone, IRunContext run, int[] indices)
    {
        var images = indices.Select(i => data.Get(i).Image).ToList();
        int size = images.All(i => i.Height == i.Width && i.Height == images[0].Height) ? images[0].Height : fallbackSize;
        var input = ImageBatch.FromWholeImages(images, size, run.InputNormalization).to(run.Device);
        return (backbone.FeatureMap(input), size);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with <paramref name="backbone"/> in eval mode and gradients off, then restores its mode.
    /// no_grad, not inference_mode: inference mode measured no faster here, and a run with it
    /// (TorchSharp 0.107) later failed inside a training-mode BatchNorm (see BENCHMARKS.md).
    /// </summary>
    public static void WithEvalBackbone(IBackbone backbone, Action work)
    {
        bool training = backbone.Network.training;
        backbone.Network.eval();
        try
        {
            using var _ = no_grad();
            work();
        }
        finally
        {
            backbone.Network.train(training);
        }
    }
}
