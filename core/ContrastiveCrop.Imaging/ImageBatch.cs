using ContrastiveCrop.Contracts;
using static TorchSharp.torch;

namespace ContrastiveCrop.Imaging;

/// <summary>Turns whole, un-augmented images into a normalised (N, 3, S, S) float tensor.</summary>
public static class ImageBatch
{
    /// <summary>Resizes every image whole to <paramref name="size"/>² (no crop, no flip) and stacks them.</summary>
    public static Tensor FromWholeImages(IReadOnlyList<RgbImage> images, int size, Normalization norm)
    {
        int stride = 3 * size * size;
        var data = new float[images.Count * stride];
        Parallel.For(0, images.Count, i =>
            ResizedCrop.Write(images[i], CropBox.Whole(images[i].Height, images[i].Width), size, false, norm, data.AsSpan(i * stride, stride)));
        return tensor(data, [images.Count, 3, size, size]);
    }
}
