using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Features of random resized crops with horizontal flips (the linear-probe training augmentation),
/// from a frozen backbone in eval mode; deterministic in (seed, epoch, image).
/// </summary>
internal static class AugmentedFeatures
{
    public static Tensor Extract(IBackbone backbone, IImageDataset data, ReadOnlySpan<int> indices, LinearProbeOptions options, IRunContext run, int epoch, Device device)
    {
        int size = options.ImageSize, stride = 3 * size * size;
        var pixels = new float[indices.Length * stride];
        var ids = indices.ToArray();
        Parallel.For(0, ids.Length, i =>
        {
            var image = data.Get(ids[i]).Image;
            var random = new Random(DeterministicSeed.Combine(run.Seed, epoch, ids[i], 7));
            var crop = RandomCrop(image.Height, image.Width, options.CropScale[0], options.CropScale[1], random);
            ResizedCrop.Write(image, crop, size, random.NextDouble() < 0.5, run.InputNormalization, pixels.AsSpan(i * stride, stride));
        });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(pixels, [ids.Length, 3, size, size]).to(device);
        return backbone.Network.forward(input).MoveToOuterDisposeScope();
    }

    // torchvision's RandomResizedCrop: area ∈ scale·HW, log-uniform aspect in [3/4, 4/3], 10 tries, else the whole image.
    private static CropBox RandomCrop(int height, int width, double minScale, double maxScale, Random random)
    {
        double area = height * width;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (minScale + (maxScale - minScale) * random.NextDouble());
            double ratio = Math.Exp(Math.Log(3.0 / 4) + (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) * random.NextDouble());
            int w = (int)Math.Round(Math.Sqrt(target * ratio)), h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height)
                return new CropBox(random.Next(height - h + 1), random.Next(width - w + 1), h, w);
        }
        return CropBox.Whole(height, width);
    }
}
