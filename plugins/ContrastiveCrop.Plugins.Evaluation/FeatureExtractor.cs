using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>Pooled features of whole, un-augmented images from a frozen backbone in eval mode.</summary>
public static class FeatureExtractor
{
    /// <summary>
    /// Returns (features (N, D) on the CPU, labels (N)) for every image of <paramref name="data"/>.
    /// Images are normalised with <paramref name="normalization"/>, the run's (the backbone was trained on
    /// such inputs). The backbone's train/eval mode is restored afterwards. With <paramref name="log"/>,
    /// long extractions report progress with an ETA through it.
    /// </summary>
    public static (Tensor Features, Tensor Labels) Extract(IBackbone backbone, IImageDataset data, int imageSize, int batchSize, Normalization normalization, Device device,
                                                           Action<string>? log = null)
    {
        var progress = log is null ? null : new EtaProgress(log, $"features of {data.Name}", data.Count, "images");
        var network = backbone.Network;
        bool wasTraining = network.training;
        network.eval();
        try
        {
            var chunks = new List<Tensor>();
            var labels = new long[data.Count];
            using (no_grad())
            {
                for (int start = 0; start < data.Count; start += batchSize)
                {
                    int count = Math.Min(batchSize, data.Count - start);
                    var images = new RgbImage[count];
                    for (int i = 0; i < count; i++)
                    {
                        var item = data.Get(start + i);
                        images[i] = item.Image;
                        labels[start + i] = RequireLabel(data, start + i, item.Label);
                    }
                    using var scope = NewDisposeScope();
                    var input = ImageBatch.FromWholeImages(images, imageSize, normalization).to(device);
                    chunks.Add(network.forward(input).cpu().MoveToOuterDisposeScope());
                    progress?.Report(start + count);
                }
            }
            var features = cat(chunks, 0);
            foreach (var chunk in chunks) chunk.Dispose();
            return (features, tensor(labels));
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>The labels of every image of <paramref name="data"/>, without running the backbone.</summary>
    public static Tensor Labels(IImageDataset data) =>
        tensor(Enumerable.Range(0, data.Count).Select(i => RequireLabel(data, i, data.Get(i).Label)).ToArray());

    private static long RequireLabel(IImageDataset data, int index, int label) => label >= 0
        ? label
        : throw new DatasetException(
            $"{data.Name} holds unlabeled images (image {index}); evaluations need labels: set the stage's " +
            "train_split/test_split to a labelled split (for STL-10 pretraining on train+unlabeled: train_split: labeled).");
}
