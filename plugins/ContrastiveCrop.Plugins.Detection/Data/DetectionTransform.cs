using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Detection.Masks;
using ContrastiveCrop.Plugins.Detection.Modeling;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Data;

/// <summary>
/// detectron2's ResizeShortestEdge (+ RandomFlip in training) and its batching: the shorter side
/// becomes the chosen size unless the longer side would exceed the maximum; pixels are
/// normalised with the run's statistics (the ones the backbone was pretrained with; ImageNet's by
/// default) and padded with zeros to the batch's size.
/// </summary>
internal static class DetectionTransform
{
    /// <summary>detectron2's output size: scale = size / short side, capped so the long side ≤ max; rounded half up.</summary>
    public static (int Height, int Width) ResizedSize(int height, int width, int shortSide, int maxSize)
    {
        double scale = (double)shortSide / Math.Min(height, width);
        if (Math.Max(height, width) * scale > maxSize) scale = (double)maxSize / Math.Max(height, width);
        return ((int)(height * scale + 0.5), (int)(width * scale + 0.5));
    }

    /// <summary>Decodes, resizes (bilinear) and normalises one image to (3, h, w).</summary>
    public static Tensor LoadImage(DetectionRecord record, int height, int width, bool flip, Normalization normalization)
    {
        RgbImage image;
        try { image = ImageCodec.Decode(record.Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read image '{record.Path}': {e.Message}", e);
        }
        using var scope = NewDisposeScope();
        var x = tensor(image.Pixels, [image.Height, image.Width, 3]).permute(2, 0, 1).to(ScalarType.Float32).unsqueeze(0);
        if (image.Height != height || image.Width != width)
            x = nn.functional.interpolate(x, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        x = x.squeeze(0);
        if (flip) x = x.flip(2);
        // Pixels stay in 0–255 (detectron2's convention), so the statistics of [0, 1] values scale by 255.
        x = (x - tensor(normalization.Mean.Select(m => m * 255f).ToArray()).view(3, 1, 1)) / tensor(normalization.Std.Select(s => s * 255f).ToArray()).view(3, 1, 1);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The record's objects in the resized (and flipped) image's coordinates.</summary>
    public static InstanceTargets Targets(DetectionRecord record, int height, int width, bool flip, bool masks)
    {
        double sx = (double)width / record.Width, sy = (double)height / record.Height;
        var boxes = new float[record.Objects.Count * 4];
        var classes = new long[record.Objects.Count];
        var instanceMasks = masks ? new List<InstanceMask>() : null;
        for (int i = 0; i < record.Objects.Count; i++)
        {
            var o = record.Objects[i];
            double x1 = o.Box[0] * sx, x2 = o.Box[2] * sx;
            if (flip) (x1, x2) = (width - x2, width - x1);
            boxes[4 * i] = (float)x1; boxes[4 * i + 1] = (float)(o.Box[1] * sy);
            boxes[4 * i + 2] = (float)x2; boxes[4 * i + 3] = (float)(o.Box[3] * sy);
            classes[i] = o.Class;
            instanceMasks?.Add(Mask(o, record, height, width, flip, sx, sy));
        }
        return new InstanceTargets(tensor(boxes, [record.Objects.Count, 4]), tensor(classes), instanceMasks);
    }

    private static InstanceMask Mask(DetectionObject o, DetectionRecord record, int height, int width, bool flip, double sx, double sy)
    {
        if (o.Polygons is { } polygons)
            return new InstanceMask([.. polygons.Select(p => (IReadOnlyList<double>)p.Select((v, k) => k % 2 == 0
                ? (flip ? width - v * sx : v * sx) : v * sy).ToArray())], null);
        if (o.Rle is not { } rle)
            throw new DatasetException($"Image '{record.Path}': an object has no segmentation; Mask R-CNN needs masks for every object.");
        // Nearest-neighbour resampling of the bitmask onto the resized image (column-major RLE → row-major bytes).
        var bits = rle.Decode();
        var resized = new byte[height * width];
        for (int y = 0; y < height; y++)
        {
            int srcY = Math.Min(rle.Height - 1, (int)((y + 0.5) / sy));
            for (int x = 0; x < width; x++)
            {
                int srcX = Math.Min(rle.Width - 1, (int)(((flip ? width - 1 - x : x) + 0.5) / sx));
                resized[y * width + x] = bits[srcY * rle.Width + srcX];
            }
        }
        return new InstanceMask(null, Rle.Encode(resized, height, width));
    }

    /// <summary>Pads (3, h, w) images with zeros to one (N, 3, H, W) batch.</summary>
    public static ImageList Batch(IReadOnlyList<Tensor> images)
    {
        int h = images.Max(i => (int)i.shape[1]), w = images.Max(i => (int)i.shape[2]);
        var batch = zeros(images.Count, 3, h, w);
        for (int i = 0; i < images.Count; i++)
            batch[i, .., ..(int)images[i].shape[1], ..(int)images[i].shape[2]] = images[i];
        return new ImageList(batch, [.. images.Select(i => ((int)i.shape[1], (int)i.shape[2]))]);
    }
}
