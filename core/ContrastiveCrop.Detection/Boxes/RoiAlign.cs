using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// RoIAlign with the semantics of torchvision's roi_align (and detectron2's ROIAlign): optional
/// half-pixel alignment, a sampling grid of ceil(roi / bin) points per bin when the sampling
/// ratio is 0, bilinear interpolation with samples beyond one pixel outside the map counting as
/// zero, and the bin value the mean of its samples.
/// </summary>
/// <remarks>
/// The sampling points of a bin form a regular grid and bilinear weights factor into a y part
/// and an x part, so every bin is a fixed weighted sum of feature positions. All bins of all ROIs
/// form one sparse matrix S (bins × B·H·W) and the output is S · F: one op, whose gradient with
/// respect to the features, Sᵀ · G, autograd supplies (exactly the scatter of the reference
/// backward). ROI coordinates get no gradient, as in detectron2.
/// </remarks>
public sealed class RoiAlign
{
    /// <summary>Creates the op: output size, scale from image to feature coordinates, sampling ratio (0 = adaptive), alignment.</summary>
    public RoiAlign(int outputHeight, int outputWidth, double spatialScale, int samplingRatio = 0, bool aligned = true)
    {
        if (outputHeight <= 0 || outputWidth <= 0) throw new ArgumentException("RoIAlign output size must be positive.");
        if (spatialScale <= 0) throw new ArgumentException("RoIAlign spatial scale must be positive.");
        if (samplingRatio < 0) throw new ArgumentException("RoIAlign sampling ratio must be ≥ 0 (0 = adaptive).");
        (OutputHeight, OutputWidth, SpatialScale, SamplingRatio, Aligned) = (outputHeight, outputWidth, spatialScale, samplingRatio, aligned);
    }

    /// <summary>Bins along y.</summary>
    public int OutputHeight { get; }
    /// <summary>Bins along x.</summary>
    public int OutputWidth { get; }
    /// <summary>Multiplier from image to feature-map coordinates (1/16 for C4).</summary>
    public double SpatialScale { get; }
    /// <summary>Samples per bin side; 0 means ceil(roi size / bins).</summary>
    public int SamplingRatio { get; }
    /// <summary>Whether pixel centres are at half-integers (shift by −0.5).</summary>
    public bool Aligned { get; }

    /// <summary>
    /// Pools <paramref name="features"/> (B, C, H, W) over <paramref name="rois"/> (R, 5) rows of
    /// (batch index, x1, y1, x2, y2) in image coordinates, giving (R, C, OutputHeight, OutputWidth).
    /// </summary>
    public Tensor Forward(Tensor features, Tensor rois)
    {
        if (features.dim() != 4) throw new ArgumentException($"RoIAlign expects (B, C, H, W) features, got {features.dim()} dimensions.");
        if (rois.dim() != 2 || rois.shape[1] != 5) throw new ArgumentException("RoIAlign expects (R, 5) rois of (batch, x1, y1, x2, y2).");
        long batchSize = features.shape[0], channels = features.shape[1];
        int height = (int)features.shape[2], width = (int)features.shape[3];
        int count = (int)rois.shape[0];
        // Checked before reading the data: TorchSharp cannot enumerate an empty tensor.
        if (count == 0) return zeros([0, channels, OutputHeight, OutputWidth], features.dtype, features.device);
        var r = rois.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        // Sparse (ROI bins × feature positions) matrix of sample weights, built row by row in order.
        var rows = new List<long>();
        var columns = new List<long>();
        var values = new List<double>();
        double offset = Aligned ? 0.5 : 0.0;
        long plane = (long)height * width;
        for (int i = 0; i < count; i++)
        {
            long batch = (long)r[5 * i];
            if (batch < 0 || batch >= batchSize) throw new ArgumentException($"RoI {i} names image {batch} but the batch has {batchSize}.");
            double x1 = r[5 * i + 1] * SpatialScale - offset, y1 = r[5 * i + 2] * SpatialScale - offset;
            double x2 = r[5 * i + 3] * SpatialScale - offset, y2 = r[5 * i + 4] * SpatialScale - offset;
            double roiW = x2 - x1, roiH = y2 - y1;
            if (!Aligned) { roiW = Math.Max(roiW, 1.0); roiH = Math.Max(roiH, 1.0); }
            var wy = AxisWeights(y1, roiH, OutputHeight, height, out int y0, out int yEnd);
            var wx = AxisWeights(x1, roiW, OutputWidth, width, out int x0, out int xEnd);
            int spanY = yEnd - y0, spanX = xEnd - x0;
            for (int ph = 0; ph < OutputHeight; ph++)
                for (int pw = 0; pw < OutputWidth; pw++)
                {
                    long row = ((long)i * OutputHeight + ph) * OutputWidth + pw;
                    for (int yi = 0; yi < spanY; yi++)
                    {
                        double a = wy[ph * spanY + yi];
                        if (a == 0) continue;
                        for (int xi = 0; xi < spanX; xi++)
                        {
                            double b = wx[pw * spanX + xi];
                            if (b == 0) continue;
                            rows.Add(row);
                            columns.Add(batch * plane + (long)(y0 + yi) * width + x0 + xi);
                            values.Add(a * b);
                        }
                    }
                }
        }
        using var scope = NewDisposeScope();
        var indices = stack([tensor(rows.ToArray()), tensor(columns.ToArray())]).to(features.device);
        var weights = sparse_coo_tensor(indices, tensor(values.ToArray()).to(features.dtype).to(features.device),
                                        [(long)count * OutputHeight * OutputWidth, batchSize * plane]);
        // (B·H·W, C): one row per feature position, so the product gives one row per bin.
        var positions = features.permute(0, 2, 3, 1).reshape(batchSize * plane, channels);
        var pooled = weights.mm(positions).reshape(count, OutputHeight, OutputWidth, channels).permute(0, 3, 1, 2).contiguous();
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Averaged interpolation weights of one axis, (bins × window), over the window [first, end)
    /// of feature positions that any sample touches.
    /// </summary>
    private double[] AxisWeights(double start, double roiSize, int bins, int size, out int first, out int end)
    {
        double binSize = roiSize / bins;
        int grid = SamplingRatio > 0 ? SamplingRatio : (int)Math.Ceiling(roiSize / bins);
        var full = new double[bins * size];
        first = size; end = 0;
        for (int b = 0; b < bins; b++)
            for (int g = 0; g < grid; g++)
            {
                double c = start + b * binSize + (g + 0.5) * binSize / grid;
                // A sample more than one pixel outside the map contributes zero (the whole sample).
                if (c < -1.0 || c > size) continue;
                if (c <= 0) c = 0;
                int low = (int)c, high;
                if (low >= size - 1) { high = low = size - 1; c = low; }
                else high = low + 1;
                double l = c - low;
                full[b * size + low] += (1 - l) / grid;
                full[b * size + high] += l / grid;
                first = Math.Min(first, low);
                end = Math.Max(end, high + 1);
            }
        if (end <= first) return [];
        int span = end - first;
        var window = new double[bins * span];
        for (int b = 0; b < bins; b++)
            Array.Copy(full, b * size + first, window, b * span, span);
        return window;
    }
}
