using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace ContrastiveCrop.Detection.Masks;

/// <summary>
/// Pastes M × M mask probabilities into the image as detectron2's paste_masks_in_image: each
/// image pixel centre is mapped into the box, the mask is sampled bilinearly there
/// (grid_sample, align_corners = false, zero outside), and the result thresholded.
/// </summary>
public static class MaskPaster
{
    /// <summary>
    /// Masks (N, M, M) and boxes (N, 4) in image coordinates → (N, H, W) bool masks. Only the
    /// box's neighbourhood is sampled; the rest of the image is zero, which is what sampling
    /// the whole image would give.
    /// </summary>
    public static Tensor Paste(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, double threshold = 0.5)
    {
        using var scope = NewDisposeScope();
        long n = masks.shape[0];
        var result = zeros([n, imageHeight, imageWidth], ScalarType.Bool, masks.device);
        // TorchSharp cannot enumerate an empty tensor.
        if (n == 0) return result.MoveToOuterDisposeScope();
        var b = boxes.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        for (int i = 0; i < n; i++)
        {
            double x0 = b[4 * i], y0 = b[4 * i + 1], x1 = b[4 * i + 2], y1 = b[4 * i + 3];
            int left = Math.Max((int)Math.Floor(x0) - 1, 0), top = Math.Max((int)Math.Floor(y0) - 1, 0);
            int right = Math.Min((int)Math.Ceiling(x1) + 1, imageWidth), bottom = Math.Min((int)Math.Ceiling(y1) + 1, imageHeight);
            if (right <= left || bottom <= top) continue;
            var ys = (arange(top, bottom, ScalarType.Float32, masks.device) + 0.5 - y0) / (y1 - y0) * 2 - 1;
            var xs = (arange(left, right, ScalarType.Float32, masks.device) + 0.5 - x0) / (x1 - x0) * 2 - 1;
            var gx = xs[TensorIndex.None, ..].expand(ys.shape[0], xs.shape[0]);
            var gy = ys[.., TensorIndex.None].expand(ys.shape[0], xs.shape[0]);
            var grid = stack([gx, gy], 2)[TensorIndex.None].to(masks.dtype);
            var sampled = grid_sample(masks[i][TensorIndex.None, TensorIndex.None], grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
            result[i, top..bottom, left..right] = sampled[0, 0].ge(threshold);
        }
        return result.MoveToOuterDisposeScope();
    }
}
