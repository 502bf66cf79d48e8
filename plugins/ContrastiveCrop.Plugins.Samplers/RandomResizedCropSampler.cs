using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Cropping;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>torchvision's RandomResizedCrop geometry: a crop of random area and ratio at a uniform position.</summary>
[Plugin("random-resized-crop", Description = "torchvision RandomResizedCrop geometry (scale, log-uniform ratio, 10 tries, central fallback).")]
public sealed class RandomResizedCropSampler(RandomResizedCropOptions options) : ICropSampler
{
    /// <inheritdoc />
    public CropBox Sample(in CropRequest request, Random random)
    {
        if (!CropGeometry.TrySampleSize(request.Height, request.Width, CropGeometry.WithScale(options.Range, request.Scale), random, out int h, out int w))
            return new CropBox((request.Height - h) / 2, (request.Width - w) / 2, h, w);
        // torch.randint(0, H - h + 1) draws from [0, H - h].
        int top = random.Next(0, request.Height - h + 1);
        int left = random.Next(0, request.Width - w + 1);
        return new CropBox(top, left, h, w);
    }
}
