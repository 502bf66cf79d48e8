using ContrastiveCrop.Detection.Boxes;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's fast_rcnn_inference_single_image: class-specific boxes decoded from the proposals
/// and clipped to the image, background dropped, every (ROI, class) pair scoring above the threshold
/// kept, per-class NMS, then the highest-scoring detections up to the per-image limit.
/// </summary>
internal static class FastRcnnInference
{
    /// <summary>Detections (no masks) of one image from its class probabilities (R, K + 1), deltas (R, 4K) and proposals (R, 4).</summary>
    public static Detections FilterImage(Tensor probabilities, Tensor deltas, Tensor proposals, (int Height, int Width) size,
        int numClasses, BoxCoder coder, RoiHeadSettings settings)
    {
        long r = proposals.shape[0];
        int k = numClasses;
        var boxes = coder.Decode(deltas, proposals).view(r * k, 4);
        boxes = BoxOps.Clip(boxes, size.Height, size.Width).view(r, k, 4);
        var scores = probabilities[.., TensorIndex.Slice(0, k)];   // drop background
        var mask = scores.gt(settings.ScoreThreshold);
        var index = mask.nonzero();                                 // (D, 2): roi, class
        var chosenBoxes = boxes[mask];
        var chosenScores = scores[mask];
        var chosenClasses = index[.., 1];
        var keep = Nms.Batched(chosenBoxes, chosenScores, chosenClasses, settings.NmsThreshold);
        if (keep.shape[0] > settings.DetectionsPerImage) keep = keep[..settings.DetectionsPerImage];
        return new Detections(chosenBoxes.index_select(0, keep), chosenScores.index_select(0, keep), chosenClasses.index_select(0, keep), null);
    }
}
